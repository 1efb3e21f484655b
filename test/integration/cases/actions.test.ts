import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import {
  attachNotification,
  caseFingerprint,
  insertCase,
  insertFlag,
  seedCaseWorld,
  takePanelStep,
  type CaseWorld,
} from '../../support/cases';
import { as, principal } from '../../support/principals';

// Who may call POST /v1/cases/{caseId}/actions:
// - `cases:write`: CDOP coordinators for their panels' cases; administrators for the unassigned queue (where only
//   flag work and merges are possible until a panel is assigned);
// - panel chairs and members, auditors, agency contributors and systems: 403;
// - a case outside the caller's scope: 404; no credentials: 401 (see cases.test.ts for the full authorization block).

let t: TestApp;
let w: CaseWorld;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  w = await seedCaseWorld(t.ds);
});

const coordinatorOf = () => principal('cdop_coordinator', { panelIds: [w.panels.wor.id] });
const coordinator = () => as(coordinatorOf());
const PANEL_STEPS = ['schedule_for_panel', 'unschedule', 'record_panel_review'] as const;
type PanelStepName = (typeof PANEL_STEPS)[number];
const isPanelStepName = (a: string): a is PanelStepName => (PANEL_STEPS as readonly string[]).includes(a);
const act = (id: string, body: object, who = coordinator()) => request(t.app).post(`/v1/cases/${id}/actions`).set(who).send(body);
const worCase = (over: Partial<Parameters<typeof insertCase>[1]> = {}) =>
  insertCase(t.ds, {
    panelId: w.panels.wor.id,
    notifierAgencyId: w.agencies.hospital,
    nhsNumber: null,
    dateOfDeath: '2026-10-01',
    ...over,
  });
const history = async (id: string) =>
  (await request(t.app).get(`/v1/cases/${id}/history`).query({ limit: 100 }).set(coordinator())).body.items as {
    action: string;
    fromStatus: string | null;
    toStatus: string;
    payload: Record<string, unknown>;
  }[];
const deadline = (body: { deadlines: { ruleId: string }[] }, ruleId: string) =>
  body.deadlines.find((d) => d.ruleId === ruleId) as Record<string, unknown> | undefined;

describe('the review, step by step', () => {
  it('when a coordinator takes a case from notified to closed, then each step answers the new state, is logged and audited, and meets its clocks', async () => {
    const c = await worCase();
    const steps: [string, string][] = [
      ['request_information', 'gathering_information'],
      ['convene_review_meeting', 'child_death_review_meeting'],
      ['mark_ready_for_panel', 'ready_for_panel'],
      ['schedule_for_panel', 'scheduled_for_panel'],
      ['record_panel_review', 'reviewed'],
      ['close', 'closed'],
    ];
    const meetingId = '6f1d3c1e-3f7b-4c55-9a57-6c1b7c0c2a10';
    let version = 1;
    for (const [action, status] of steps) {
      // The panel's own steps are taken by the meetings and the review sign-off, through the cases module's facade.
      if (isPanelStepName(action))
        await takePanelStep(
          t.ds,
          coordinatorOf(),
          c.id,
          action,
          action === 'record_panel_review' ? { meetingId, category: 5 } : { meetingId },
        );
      const res = isPanelStepName(action) ? await request(t.app).get(`/v1/cases/${c.id}`).set(coordinator()) : await act(c.id, { action });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe(status);
      expect(res.body.version).toBe(++version);
      expect(res.headers.etag).toBe(`"v${version}"`);
      if (action === 'request_information') {
        expect(deadline(res.body, 'agency_reporting_forms_due')).toMatchObject({
          startsFrom: 'forms_requested_at',
          metAt: null,
          status: 'pending',
        });
      }
      if (action === 'convene_review_meeting') expect(deadline(res.body, 'agency_reporting_forms_due')).toMatchObject({ status: 'met' });
      if (action === 'record_panel_review')
        expect(deadline(res.body, 'panel_review_target')).toMatchObject({ status: 'met', metAt: expect.any(String) });
    }
    const closed = await request(t.app).get(`/v1/cases/${c.id}`).set(coordinator());
    expect(closed.body).toMatchObject({ status: 'closed', allowedActions: ['reopen'], overdue: false });
    const log = await history(c.id);
    expect(log.map((h) => [h.action, h.fromStatus, h.toStatus])).toEqual([
      ['notify', null, 'notified'],
      ...steps.map(([a, to], i) => [a, i === 0 ? 'notified' : steps[i - 1]![1], to]),
    ]);
    expect(log.find((h) => h.action === 'record_panel_review')!.payload).toEqual({
      meetingId,
      category: 5,
      categoryFrom: null,
      metDeadlines: ['panel_review_target'],
    });
    expect(closed.body.category).toBe(5);
    const audits = await t.ds.query(`SELECT details FROM audit_events WHERE action = 'case.action' AND resource_id = $1 ORDER BY id`, [
      c.id,
    ]);
    expect(audits.map((a: { details: { action: string } }) => a.details.action)).toEqual(steps.map(([a]) => a));
  });

  it('when a step is skipped, then 409 CASE.ACTION_NOT_ALLOWED lists the allowed actions, nothing is written and the refusal is audited', async () => {
    const c = await worCase();
    const before = await caseFingerprint(t.ds, c.id);
    const res = await act(c.id, { action: 'mark_ready_for_panel' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'CASE.ACTION_NOT_ALLOWED', allowedActions: ['request_information', 'place_hold'] });
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(await caseFingerprint(t.ds, c.id)).toBe(before);
    const [denied] = await t.ds.query(`SELECT outcome, reason FROM audit_events WHERE action = 'case.action'`);
    expect(denied).toEqual({ outcome: 'denied', reason: 'CASE.ACTION_NOT_ALLOWED' });
  });

  it('when a scheduled case is unscheduled by the panel, then it is ready for panel again', async () => {
    const c = await worCase({ status: 'scheduled_for_panel' });
    expect(await takePanelStep(t.ds, coordinatorOf(), c.id, 'unschedule', { reason: 'Panel meeting cancelled' })).toEqual({
      fromStatus: 'scheduled_for_panel',
      toStatus: 'ready_for_panel',
    });
    expect((await history(c.id)).at(-1)).toMatchObject({ action: 'unschedule', payload: { reason: 'Panel meeting cancelled' } });
  });

  it.each(PANEL_STEPS.map((a) => [a]))(
    'when the panel step %s is sent to the actions endpoint, then 409 CASE.ACTION_NOT_ALLOWED names its own endpoint and nothing is written',
    async (action) => {
      const status = action === 'schedule_for_panel' ? 'ready_for_panel' : 'scheduled_for_panel';
      const c = await worCase({ status });
      const before = await caseFingerprint(t.ds, c.id);
      const res = await act(c.id, { action });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('CASE.ACTION_NOT_ALLOWED');
      expect(res.body.detail).toMatch(action === 'record_panel_review' ? /review\/sign-off/ : /panel-meetings/);
      expect(res.body.allowedActions).not.toContain(action);
      expect(await caseFingerprint(t.ds, c.id)).toBe(before);
      const got = await request(t.app).get(`/v1/cases/${c.id}`).set(coordinator());
      expect(got.body.allowedActions).toEqual(['place_hold']);
    },
  );

  it("when a case outside the caller's panels is sent a panel step, then 404 (not 409: the case is not theirs to know of)", async () => {
    const c = await insertCase(t.ds, { panelId: w.panels.her.id, notifierAgencyId: w.agencies.hospital, status: 'ready_for_panel' });
    expect((await act(c.id, { action: 'schedule_for_panel' })).status).toBe(404);
  });

  it('when a closed case is reopened, then a reason is required and it goes back to gathering information', async () => {
    const c = await worCase({ status: 'closed' });
    const without = await act(c.id, { action: 'reopen' });
    expect(without.status).toBe(400);
    expect(without.body.errors).toEqual([{ field: 'body.reason', message: 'is required for reopen' }]);
    const res = await act(c.id, { action: 'reopen', reason: 'Inquest findings received after the review' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'gathering_information',
      allowedActions: ['convene_review_meeting', 'mark_ready_for_panel', 'place_hold'],
    });
    expect((await history(c.id)).at(-1)).toMatchObject({ action: 'reopen', fromStatus: 'closed', toStatus: 'gathering_information' });
  });
});

describe('holds', () => {
  it('when a hold is placed, then progress is blocked until it is lifted, and both are in the history', async () => {
    const c = await worCase({ status: 'ready_for_panel' });
    expect((await act(c.id, { action: 'place_hold' })).status).toBe(400);
    const placed = await act(c.id, { action: 'place_hold', holdReason: 'criminal_proceedings' });
    expect(placed.status).toBe(200);
    expect(placed.body).toMatchObject({
      status: 'ready_for_panel',
      hold: { reason: 'criminal_proceedings', since: expect.any(String) },
      allowedActions: ['lift_hold'],
    });
    const blocked = await takePanelStep(t.ds, coordinatorOf(), c.id, 'schedule_for_panel').catch((e: unknown) => e);
    expect(blocked).toMatchObject({ status: 409, code: 'CASE.ACTION_NOT_ALLOWED', extensions: { allowedActions: ['lift_hold'] } });
    expect((blocked as Error & { detail: string }).detail).toContain('criminal_proceedings');
    expect((await act(c.id, { action: 'place_hold', holdReason: 'awaiting_inquest' })).status).toBe(409);
    const lifted = await act(c.id, { action: 'lift_hold', reason: 'Trial concluded' });
    expect(lifted.body).toMatchObject({ hold: null, status: 'ready_for_panel' });
    expect((await takePanelStep(t.ds, coordinatorOf(), c.id, 'schedule_for_panel')).toStatus).toBe('scheduled_for_panel');
    expect((await history(c.id)).filter((h) => h.action.endsWith('_hold')).map((h) => h.payload.holdReason)).toEqual([
      'criminal_proceedings',
      'criminal_proceedings',
    ]);
  });

  it('when the hold reason is not one of the recorded reasons, then 400 and nothing is written', async () => {
    const c = await worCase();
    const before = await caseFingerprint(t.ds, c.id);
    const res = await act(c.id, { action: 'place_hold', holdReason: 'on_holiday' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.holdReason');
    expect(await caseFingerprint(t.ds, c.id)).toBe(before);
  });
});

describe('flags', () => {
  it('when an open POSSIBLE_DUPLICATE flag is on a reviewed case, then closing is 409 CASE.BLOCKED_BY_FLAG naming the flag; once dismissed, it closes', async () => {
    const other = await worCase();
    const c = await worCase({ status: 'reviewed' });
    const flagId = await insertFlag(t.ds, c.id, { relatedCaseId: other.id });
    const before = await caseFingerprint(t.ds, c.id);
    const blocked = await act(c.id, { action: 'close' });
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({
      code: 'CASE.BLOCKED_BY_FLAG',
      flag: { id: flagId, type: 'POSSIBLE_DUPLICATE' },
      allowedActions: ['place_hold', 'dismiss_flag', 'merge_duplicate'],
    });
    expect(await caseFingerprint(t.ds, c.id)).toBe(before);
    expect((await act(c.id, { action: 'dismiss_flag', flagId })).status).toBe(400); // reason required
    const dismissed = await act(c.id, { action: 'dismiss_flag', flagId, reason: 'Different children: checked with the hospital' });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body.flags[0]).toMatchObject({ id: flagId, status: 'dismissed', closedAt: expect.any(String) });
    expect(dismissed.body.allowedActions).toEqual(['close', 'place_hold', 'restore_flag']);
    // The pair flag showed on the other case too; dismissing it there moved that case's version on as well.
    expect((await request(t.app).get(`/v1/cases/${other.id}`).set(coordinator())).body).toMatchObject({
      version: 2,
      flags: [{ id: flagId, status: 'dismissed', relatedCaseId: c.id }],
    });
    expect((await act(c.id, { action: 'close' })).body.status).toBe('closed');
  });

  it('when a dismissed flag is restored, then it is open and blocks again', async () => {
    const holder = await worCase();
    const c = await worCase({ status: 'reviewed' });
    const flagId = await insertFlag(t.ds, c.id, { type: 'NHS_NUMBER_CONFLICT', relatedCaseId: holder.id });
    await act(c.id, { action: 'dismiss_flag', flagId, reason: 'Raised in error' });
    const restored = await act(c.id, { action: 'restore_flag', flagId });
    expect(restored.body.flags[0]).toMatchObject({ status: 'open', closedAt: null });
    expect((await act(c.id, { action: 'close' })).body.code).toBe('CASE.BLOCKED_BY_FLAG');
    expect((await act(c.id, { action: 'restore_flag', flagId })).status).toBe(409);
  });

  it('when the flag id is not a flag of this case, then 400 naming body.flagId', async () => {
    const c = await worCase();
    const elsewhere = await worCase();
    const third = await worCase();
    // Both flags name the third case; neither names the other's case, so the second is not this case's.
    const theirs = await insertFlag(t.ds, elsewhere.id, { relatedCaseId: third.id });
    await insertFlag(t.ds, c.id, { type: 'NHS_NUMBER_CONFLICT', relatedCaseId: third.id });
    const res = await act(c.id, { action: 'dismiss_flag', flagId: theirs, reason: 'x' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'CASE.UNKNOWN_FLAG', errors: [{ field: 'body.flagId' }] });
  });
});

describe('merging duplicates', () => {
  async function pair() {
    const target = await worCase({
      givenName: 'Jon',
      familyName: 'Smith',
      dateOfBirth: '2024-05-01',
      agencyIds: [w.agencies.hospital, w.agencies.gp],
    });
    const attached = await attachNotification(t.ds, target.id, w.agencies.police, { match: 'demographics' });
    const dup = await worCase({
      givenName: 'Jonathan',
      familyName: 'Smith',
      dateOfBirth: '2024-05-01',
      notifierAgencyId: w.agencies.school,
      agencyIds: [w.agencies.school, w.agencies.gp],
      status: 'gathering_information',
    });
    const flagId = await insertFlag(t.ds, dup.id, {
      relatedCaseId: target.id,
      evidence: { matchedOn: ['date_of_birth', 'date_of_death'], differences: ['name'] },
    });
    return { target, attached, dup, flagId };
  }
  const placement = async () =>
    JSON.stringify(await t.ds.query(`SELECT id, case_id, match FROM notifications ORDER BY id`)) +
    JSON.stringify(await t.ds.query(`SELECT case_id, agency_id, first_notification_id FROM case_agencies ORDER BY case_id, agency_id`));

  it('when a duplicate is merged, then its notifications and agencies move to the target, it is closed and the flag resolved; unmerge undoes exactly that', async () => {
    const { target, attached, dup, flagId } = await pair();
    const before = await placement();
    const merged = await act(dup.id, { action: 'merge_duplicate', flagId, reason: 'Same child: Jon is short for Jonathan' });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ status: 'closed', mergedIntoCaseId: target.id, notificationCount: 0, allowedActions: ['unmerge'] });
    expect(merged.body.flags[0]).toMatchObject({ id: flagId, status: 'resolved' });

    const t1 = await request(t.app).get(`/v1/cases/${target.id}`).set(coordinator());
    expect(t1.body).toMatchObject({ notificationCount: 3, version: 2 });
    const notes = (await request(t.app).get(`/v1/cases/${target.id}/notifications`).set(coordinator())).body.items;
    expect(notes.map((n: { id: string; match: string }) => [n.id, n.match])).toEqual([
      [target.notificationId, 'new_case'],
      [attached, 'demographics'],
      [dup.notificationId, 'merged'],
    ]);
    const agencies = await t.ds.query(`SELECT agency_id FROM case_agencies WHERE case_id = $1 ORDER BY agency_id`, [target.id]);
    expect(agencies.map((a: { agency_id: string }) => a.agency_id).sort()).toEqual(
      [w.agencies.hospital, w.agencies.gp, w.agencies.police, w.agencies.school].sort(),
    );
    const [mergedInto] = (await history(dup.id)).filter((h) => h.action === 'merged_into');
    expect(mergedInto).toMatchObject({
      fromStatus: 'gathering_information',
      toStatus: 'closed',
      payload: { flagId, targetCaseId: target.id, movedNotificationIds: [dup.notificationId], addedAgencyIds: [w.agencies.school] },
    });
    expect((await history(target.id)).at(-1)).toMatchObject({
      action: 'absorbed_duplicate',
      payload: { sourceCaseId: dup.id, movedNotificationIds: [dup.notificationId] },
    });
    // A closed, merged case cannot be reopened: only unmerged.
    expect((await act(dup.id, { action: 'reopen', reason: 'x' })).body.code).toBe('CASE.ACTION_NOT_ALLOWED');

    // A notifier who arrives after the merge stays with the target when the merge is undone.
    const late = await attachNotification(t.ds, target.id, w.agencies.gp, { match: 'nhs_number' });
    expect((await act(dup.id, { action: 'unmerge' })).status).toBe(400);
    const undone = await act(dup.id, { action: 'unmerge', reason: 'Different children after all' });
    expect(undone.status).toBe(200);
    expect(undone.body).toMatchObject({ status: 'gathering_information', mergedIntoCaseId: null, notificationCount: 1 });
    expect(undone.body.flags[0]).toMatchObject({ id: flagId, status: 'open' });
    await t.ds.query(`DELETE FROM case_agencies WHERE first_notification_id = $1`, [late]);
    await t.ds.query(`DELETE FROM notifications WHERE id = $1`, [late]);
    expect(await placement()).toBe(before);
    expect((await history(dup.id)).at(-1)).toMatchObject({
      action: 'unmerge',
      fromStatus: 'closed',
      toStatus: 'gathering_information',
      payload: { restoredStatus: 'gathering_information', movedNotificationIds: [dup.notificationId] },
    });
    const audits = await t.ds.query(
      `SELECT action, resource_id FROM audit_events WHERE action LIKE 'case.%merge%' OR (action = 'case.action' AND details->>'action' IN ('merge_duplicate', 'unmerge')) ORDER BY id`,
    );
    expect(audits.map((a: { action: string; resource_id: string }) => [a.action, a.resource_id])).toEqual([
      ['case.action', dup.id],
      ['case.merge.target', target.id],
      ['case.action', dup.id],
      ['case.unmerge.target', target.id],
    ]);
  });

  it('when the merge is made from the other case of the pair, then that case is the one merged into the flagged one', async () => {
    const { target, dup, flagId } = await pair();
    const res = await act(target.id, { action: 'merge_duplicate', flagId, targetCaseId: dup.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'closed', mergedIntoCaseId: dup.id });
    expect((await request(t.app).get(`/v1/cases/${dup.id}`).set(coordinator())).body.notificationCount).toBe(3);
  });

  it('when the target is not the other case of the flag, or the flag is not a duplicate flag, then 400 and nothing moves', async () => {
    const { dup, flagId } = await pair();
    const stranger = await worCase();
    const before = await placement();
    const wrong = await act(dup.id, { action: 'merge_duplicate', flagId, targetCaseId: stranger.id });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].field).toBe('body.targetCaseId');
    // No rule raises another type of case flag today, but the table takes any rule's: only the duplicate types merge.
    const other = await insertFlag(t.ds, dup.id, { type: 'OTHER_RULE' });
    expect((await act(dup.id, { action: 'merge_duplicate', flagId: other })).body.code).toBe('CASE.UNKNOWN_FLAG');
    expect(await placement()).toBe(before);
  });

  it('when the flag pairs the case with one in a panel the caller does not cover, then it blocks but only a coordinator of both may merge or dismiss it', async () => {
    const herCase = await insertCase(t.ds, { panelId: w.panels.her.id, notifierAgencyId: w.agencies.gp });
    const dup = await worCase({ status: 'reviewed' });
    const flagId = await insertFlag(t.ds, dup.id, { relatedCaseId: herCase.id });
    const before = await placement();
    const flagsBefore = JSON.stringify(await t.ds.query(`SELECT * FROM case_flags`));
    const got = await request(t.app).get(`/v1/cases/${dup.id}`).set(coordinator());
    // The flag shows without naming the case they may not see, and blocks closing.
    expect(got.body.flags[0]).toMatchObject({ id: flagId, status: 'open', relatedCaseId: null });
    expect(got.body.allowedActions).toEqual(['place_hold']);
    for (const body of [
      { action: 'merge_duplicate', flagId },
      { action: 'dismiss_flag', flagId, reason: 'x' },
    ]) {
      const res = await act(dup.id, body);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'CASE.ACTION_NOT_ALLOWED', allowedActions: ['place_hold'] });
    }
    expect((await act(dup.id, { action: 'close' })).body.code).toBe('CASE.BLOCKED_BY_FLAG');
    // Nor can the coordinator of the other panel decide it alone, from their side.
    const herCoordinator = as(principal('cdop_coordinator', { panelIds: [w.panels.her.id] }));
    expect((await act(herCase.id, { action: 'dismiss_flag', flagId, reason: 'x' }, herCoordinator)).status).toBe(409);
    expect(await placement()).toBe(before);
    expect(JSON.stringify(await t.ds.query(`SELECT * FROM case_flags`))).toBe(flagsBefore);
    const both = as(principal('cdop_coordinator', { panelIds: [w.panels.wor.id, w.panels.her.id] }));
    const res = await act(dup.id, { action: 'dismiss_flag', flagId, reason: 'Different children' }, both);
    expect(res.status).toBe(200);
    expect(res.body.flags[0]).toMatchObject({ status: 'dismissed', relatedCaseId: herCase.id });
  });

  it('when the duplicate is on hold, then merging is refused until the hold is lifted', async () => {
    const { dup, flagId } = await pair();
    await act(dup.id, { action: 'place_hold', holdReason: 'safeguarding_review' });
    expect((await act(dup.id, { action: 'merge_duplicate', flagId })).body.code).toBe('CASE.ACTION_NOT_ALLOWED');
  });

  it('when two queued notifications are duplicates, then an administrator can merge them in the queue', async () => {
    const a = await insertCase(t.ds, { panelId: null, notifierAgencyId: w.agencies.hospital, localAuthority: 'E09000033' });
    const b = await insertCase(t.ds, { panelId: null, notifierAgencyId: w.agencies.gp, localAuthority: 'E09000033' });
    const flagId = await insertFlag(t.ds, b.id, { relatedCaseId: a.id });
    const admin = as(principal('administrator'));
    expect((await act(b.id, { action: 'request_information' }, admin)).body.code).toBe('CASE.ACTION_NOT_ALLOWED');
    const res = await act(b.id, { action: 'merge_duplicate', flagId }, admin);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'closed', mergedIntoCaseId: a.id });
  });
});

describe('bad input', () => {
  it('when the action is unknown, a field is unknown or a field does not belong to the action, then 400 names it and nothing is written', async () => {
    const c = await worCase();
    const before = await caseFingerprint(t.ds, c.id);
    for (const [body, field] of [
      [{ action: 'fast_track' }, 'body.action'],
      [{ action: 'close', colour: 'red' }, 'body.colour'],
      [{ action: 'request_information', holdReason: 'awaiting_inquest' }, 'body.holdReason'],
      [{ action: 'request_information', note: '' }, 'body.note'],
      [{ action: 'request_information', note: 'x'.repeat(4001) }, 'body.note'],
      [{ action: 'merge_duplicate', flagId: 'not-a-uuid' }, 'body.flagId'],
      [{}, 'body.action'],
    ] as const) {
      const res = await act(c.id, body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await caseFingerprint(t.ds, c.id)).toBe(before);
  });
});

describe('concurrency', () => {
  it('when the same step is sent ten times at once, then exactly one succeeds, the others get 409, and the log has one entry', async () => {
    const c = await worCase();
    const results = await Promise.all(Array.from({ length: 10 }, () => act(c.id, { action: 'request_information' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
    expect((await history(c.id)).filter((h) => h.action === 'request_information')).toHaveLength(1);
    const [{ version }] = await t.ds.query(`SELECT version FROM cases WHERE id = $1`, [c.id]);
    expect(version).toBe(2);
  });

  it('when a merge and a dismissal of the same flag race, then one wins and the other is refused', async () => {
    const target = await worCase();
    const dup = await worCase();
    const flagId = await insertFlag(t.ds, dup.id, { relatedCaseId: target.id });
    const [m, d] = await Promise.all([
      act(dup.id, { action: 'merge_duplicate', flagId }),
      act(target.id, { action: 'dismiss_flag', flagId, reason: 'Not the same' }),
    ]);
    expect([m.status, d.status].sort()).toEqual([200, 409]);
    const [flag] = await t.ds.query(`SELECT status FROM case_flags WHERE id = $1`, [flagId]);
    expect(flag.status).toBe(m.status === 200 ? 'resolved' : 'dismissed');
  });

  it('when conflicting steps race (schedule vs hold), then the outcome is one consistent state', async () => {
    const c = await worCase({ status: 'ready_for_panel' });
    const [s, h] = await Promise.all([
      takePanelStep(t.ds, coordinatorOf(), c.id, 'schedule_for_panel').then(
        () => ({ status: 200, body: {} as { code?: string } }),
        (e: { status: number; code: string }) => ({ status: e.status, body: { code: e.code } }),
      ),
      act(c.id, { action: 'place_hold', holdReason: 'awaiting_inquest' }),
    ]);
    expect(h.status).toBe(200); // a hold can be placed whether or not the case was scheduled first
    const [row] = await t.ds.query(`SELECT status, hold_reason, version FROM cases WHERE id = $1`, [c.id]);
    if (s.status === 200) expect(row).toEqual({ status: 'scheduled_for_panel', hold_reason: 'awaiting_inquest', version: 3 });
    else
      expect([s.status, s.body.code, row]).toEqual([
        409,
        'CASE.ACTION_NOT_ALLOWED',
        { status: 'ready_for_panel', hold_reason: 'awaiting_inquest', version: 2 },
      ]);
    expect((await history(c.id)).length).toBe(s.status === 200 ? 5 : 4); // notify, two seeded steps, the hold (and the schedule)
  });
});
