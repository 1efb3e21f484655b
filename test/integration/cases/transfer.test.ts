import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { caseFingerprint, insertCase, insertFlag, seedCaseWorld, type CaseWorld } from '../../support/cases';
import { COMPLETE_LOCAL_ANSWERS, LOCAL_TEMPLATE, publishLocalTemplate } from '../../support/forms';
import { scheduleMeeting } from '../../support/meetings';
import { as, principal } from '../../support/principals';

// Who may transfer a case (POST /v1/cases/{caseId}/transfer, `cases:write`) and see transfers (GET /v1/case-transfers,
// `cases:read`):
// - a CDOP coordinator of the case's current panel transfers it; a coordinator of the receiving panel cannot pull it
//   (the case is not theirs until it arrives: 404), nor can a coordinator of a third panel (404);
// - administrators see only the unassigned queue: a panel's case is 404, a queued case is 409 (assign it with PATCH);
// - panel chairs and members: 403 on the transfer; they see their panels' transfers, without the reason;
// - auditors, agency contributors and hospital systems: 403 on both; anonymous: 401.
// Coordinators of either panel see the transfer's reason; it never reaches the logs or the audit trail.

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

const NHS = '9434765919';
const REASON = 'The GP confirmed the Hartley family lives in Herefordshire; Amelia died while visiting relatives.';
const SENDER_ID = '5b9a7c3e-2d1f-4e8a-9c6b-0d3e2f1a4b78';
const worCoordinator = () => as(principal('cdop_coordinator', { id: SENDER_ID, panelIds: [w.panels.wor.id] }));
const herCoordinator = () => as(principal('cdop_coordinator', { panelIds: [w.panels.her.id] }));
const coordinatorOf = (...panelIds: string[]) => as(principal('cdop_coordinator', { panelIds }));
const memberOf = (...panelIds: string[]) => as(principal('panel_member', { panelIds }));
const hospitalUser = () => as(principal('agency_contributor', { agencyId: w.agencies.hospital }));

async function worCase(over: Partial<Parameters<typeof insertCase>[1]> = {}) {
  return insertCase(t.ds, {
    panelId: w.panels.wor.id,
    notifierAgencyId: w.agencies.hospital,
    agencyIds: [w.agencies.hospital, w.agencies.gp],
    nhsNumber: NHS,
    givenName: 'Amelia',
    familyName: 'Hartley',
    dateOfBirth: '2025-03-14',
    dateOfDeath: '2026-11-02',
    notifiedAt: new Date('2026-11-03T09:00:00Z'),
    ...over,
  });
}

const transfer = (caseId: string, who: Record<string, string>, body: object = { panelId: w.panels.her.id, reason: REASON }) =>
  request(t.app).post(`/v1/cases/${caseId}/transfer`).set(who).send(body);
const count = async (table: string) => (await t.ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;
const herCounter = async () =>
  (
    await t.ds.query(`SELECT coalesce(max(last_number), 0)::int AS n FROM case_reference_counters WHERE panel_id = $1`, [w.panels.her.id])
  )[0].n as number;

/** Everything a refused transfer must leave as it was. */
async function snapshot(caseId: string) {
  return { kase: await caseFingerprint(t.ds, caseId), transfers: await count('case_transfers'), her: await herCounter() };
}

describe('authorization', () => {
  it('when no credentials are sent, then both operations are 401', async () => {
    const c = await worCase();
    expect((await request(t.app).post(`/v1/cases/${c.id}/transfer`).send({ panelId: w.panels.her.id, reason: REASON })).status).toBe(401);
    expect((await request(t.app).get('/v1/case-transfers')).status).toBe(401);
  });

  it.each(['auditor', 'agency_contributor', 'hospital_system'] as const)(
    'when a %s transfers or lists transfers, then 403 and nothing is written',
    async (role) => {
      const c = await worCase();
      const before = await snapshot(c.id);
      const who = as(principal(role, { panelIds: [w.panels.wor.id], agencyId: w.agencies.hospital }));
      expect((await transfer(c.id, who)).status).toBe(403);
      expect((await request(t.app).get('/v1/case-transfers').set(who)).status).toBe(403);
      expect(await snapshot(c.id)).toEqual(before);
    },
  );

  it.each(['panel_chair', 'panel_member'] as const)('when a %s of the panel transfers, then 403 and nothing is written', async (role) => {
    const c = await worCase();
    const before = await snapshot(c.id);
    const res = await transfer(c.id, as(principal(role, { panelIds: [w.panels.wor.id] })));
    expect(res.status).toBe(403);
    expect(await snapshot(c.id)).toEqual(before);
  });

  it('when a coordinator of the receiving panel (or of a third panel) tries to pull the case, then 404 and nothing is written', async () => {
    const c = await worCase();
    const before = await snapshot(c.id);
    for (const who of [herCoordinator(), coordinatorOf(w.panels.shr.id)]) {
      const res = await transfer(c.id, who);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('CASE.NOT_FOUND');
    }
    expect(await snapshot(c.id)).toEqual(before);
  });

  it('when an administrator transfers a panel’s case, then 404; a queued case, then 409 CASE.NOT_ASSIGNED naming PATCH', async () => {
    const assigned = await worCase();
    const queued = await insertCase(t.ds, { panelId: null, notifierAgencyId: w.agencies.hospital, localAuthority: 'E09000033' });
    const admin = as(principal('administrator'));
    expect((await transfer(assigned.id, admin)).status).toBe(404);
    const before = await snapshot(queued.id);
    const res = await transfer(queued.id, admin);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CASE.NOT_ASSIGNED');
    expect(res.body.detail).toContain('PATCH /v1/cases/{caseId}');
    expect(await snapshot(queued.id)).toEqual(before);
    // The administrator has no panel: no transfers to see.
    expect((await request(t.app).get('/v1/case-transfers').set(admin)).body.items).toEqual([]);
  });
});

describe('a transfer', () => {
  it('when the sending coordinator transfers a case with forms, clocks, a flag and a hold, then all of it moves; the receiving panel gives it a reference; the sender keeps the record', async () => {
    await publishLocalTemplate(t.app);
    // Another Herefordshire case first, so the transferred one gets the panel's next number, not its first.
    await insertCase(t.ds, {
      panelId: w.panels.her.id,
      notifierAgencyId: w.agencies.hospital,
      notifiedAt: new Date('2026-10-01T09:00:00Z'),
    });
    const c = await worCase();
    const flagId = await insertFlag(t.ds, c.id, { type: 'ALERT_RAISED', evidence: { field: 'alert.hasConcerns' } });
    const asked = await request(t.app)
      .post(`/v1/cases/${c.id}/form-requests`)
      .set(worCoordinator())
      .send({ agencyOdsCode: 'RWP', templateId: LOCAL_TEMPLATE.id });
    expect(asked.status).toBe(201);
    const outstanding = await request(t.app)
      .post(`/v1/cases/${c.id}/form-requests`)
      .set(worCoordinator())
      .send({ agencyId: w.agencies.gp, templateId: LOCAL_TEMPLATE.id });
    expect(outstanding.status).toBe(201);
    const submitted = await request(t.app)
      .post(`/v1/form-requests/${asked.body.id}/submit`)
      .set(hospitalUser())
      .send({ templateVersion: 1, answers: COMPLETE_LOCAL_ANSWERS });
    expect(submitted.status).toBe(201);
    const held = await request(t.app)
      .post(`/v1/cases/${c.id}/actions`)
      .set(worCoordinator())
      .send({ action: 'place_hold', holdReason: 'awaiting_inquest' });
    expect(held.status).toBe(200);
    const seenBefore = (await request(t.app).get(`/v1/cases/${c.id}`).set(worCoordinator())).body;
    const historyBefore = (await request(t.app).get(`/v1/cases/${c.id}/history`).set(worCoordinator())).body.items;

    const res = await transfer(c.id, worCoordinator());
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      caseId: c.id,
      from: { panelId: w.panels.wor.id, reference: c.reference },
      to: { panelId: w.panels.her.id, reference: 'HER-2026-0002' },
      direction: 'out',
      statusAtTransfer: seenBefore.status,
      transferredAt: expect.any(String),
      transferredBy: { type: 'user', id: SENDER_ID },
      reason: REASON,
    });

    // The receiving coordinator sees everything that was there, under the new reference.
    const got = await request(t.app).get(`/v1/cases/${c.id}`).set(herCoordinator());
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      reference: 'HER-2026-0002',
      panelId: w.panels.her.id,
      status: seenBefore.status,
      hold: seenBefore.hold,
      deadlines: seenBefore.deadlines,
      flags: seenBefore.flags,
      notificationCount: seenBefore.notificationCount,
      previousReferences: [{ reference: c.reference, panelId: w.panels.wor.id, until: res.body.transferredAt }],
      child: { givenName: 'Amelia', familyName: 'Hartley', nhsNumber: NHS },
    });
    expect(got.body.flags.map((f: { id: string }) => f.id)).toEqual([flagId]);
    expect(got.body.deadlines.map((d: { ruleId: string }) => d.ruleId)).toContain('agency_reporting_forms_due');
    expect(got.body.hold).toMatchObject({ reason: 'awaiting_inquest' });
    expect(res.body.statusAtTransfer).toBe('gathering_information');
    expect(got.body.version).toBe(seenBefore.version + 1);
    const forms = await request(t.app).get(`/v1/cases/${c.id}/forms`).set(herCoordinator());
    expect(forms.status).toBe(200);
    expect(forms.body.counts).toMatchObject({ outstanding: 1, submitted: 1 });
    expect(forms.body.requests.map((r: { id: string }) => r.id).sort()).toEqual([asked.body.id, outstanding.body.id].sort());
    expect((await request(t.app).get(`/v1/form-requests/${asked.body.id}/submissions/1`).set(herCoordinator())).status).toBe(200);
    // The agency asked still completes its form: its access is by agency, not panel.
    expect(
      (
        await request(t.app)
          .get(`/v1/form-requests/${outstanding.body.id}`)
          .set(as(principal('agency_contributor', { agencyId: w.agencies.gp })))
      ).status,
    ).toBe(200);

    // The history moved too, with the transfer at its end; the reason only for coordinators.
    const history = (await request(t.app).get(`/v1/cases/${c.id}/history`).set(herCoordinator())).body.items;
    expect(history.slice(0, historyBefore.length)).toEqual(historyBefore);
    expect(history[historyBefore.length]).toMatchObject({
      action: 'transfer_panel',
      fromStatus: seenBefore.status,
      toStatus: seenBefore.status,
      actor: { type: 'user', id: SENDER_ID },
      payload: {
        fromPanelId: w.panels.wor.id,
        toPanelId: w.panels.her.id,
        fromReference: c.reference,
        toReference: 'HER-2026-0002',
        reason: REASON,
      },
    });
    const memberHistory = (await request(t.app).get(`/v1/cases/${c.id}/history`).set(memberOf(w.panels.her.id))).body.items;
    expect(memberHistory.at(-1).payload).toEqual({
      fromPanelId: w.panels.wor.id,
      toPanelId: w.panels.her.id,
      fromReference: c.reference,
      toReference: 'HER-2026-0002',
    });

    // The sending coordinator no longer sees the case, its forms or its history, but sees the transfer out.
    expect((await request(t.app).get(`/v1/cases/${c.id}`).set(worCoordinator())).status).toBe(404);
    expect((await request(t.app).get(`/v1/cases/${c.id}/history`).set(worCoordinator())).status).toBe(404);
    expect((await request(t.app).get(`/v1/form-requests/${asked.body.id}`).set(worCoordinator())).status).toBe(404);
    expect((await request(t.app).get(`/v1/cases/${c.id}/forms`).set(worCoordinator())).status).toBe(404);
    const out = await request(t.app).get('/v1/case-transfers').query({ panelId: w.panels.wor.id }).set(worCoordinator());
    expect(out.status).toBe(200);
    expect(out.body).toEqual({ items: [res.body], nextCursor: null });
    const into = await request(t.app).get('/v1/case-transfers').set(herCoordinator());
    expect(into.body.items).toEqual([{ ...res.body, direction: 'in' }]);
    // Panel members see their panel's transfers, without the reason; a third panel sees none.
    const members = await request(t.app).get('/v1/case-transfers').set(memberOf(w.panels.wor.id));
    const { reason: _reason, ...withoutReason } = res.body;
    expect(members.body.items).toEqual([withoutReason]);
    expect((await request(t.app).get('/v1/case-transfers').set(coordinatorOf(w.panels.shr.id))).body.items).toEqual([]);
    // Another panel's id narrows to nothing.
    expect((await request(t.app).get('/v1/case-transfers').query({ panelId: w.panels.her.id }).set(worCoordinator())).body.items).toEqual(
      [],
    );

    // The old reference still finds the case, for whoever may see it now.
    const byOld = await request(t.app).get('/v1/cases').query({ reference: c.reference }).set(herCoordinator());
    expect(byOld.body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    const byNew = await request(t.app).get('/v1/cases').query({ reference: 'HER-2026-0002' }).set(herCoordinator());
    expect(byNew.body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect((await request(t.app).get('/v1/cases').query({ reference: c.reference }).set(worCoordinator())).body.items).toEqual([]);
    const found = await request(t.app).get('/v1/case-transfers').query({ reference: c.reference }).set(worCoordinator());
    expect(found.body.items.map((x: { id: string }) => x.id)).toEqual([res.body.id]);

    // Audited with ids only: never the reason, never the child.
    const [event] = await t.ds.query(`SELECT actor_id, details FROM audit_events WHERE action = 'case.transfer' AND outcome = 'success'`);
    expect(event).toEqual({
      actor_id: SENDER_ID,
      details: { transferId: res.body.id, fromPanelId: w.panels.wor.id, toPanelId: w.panels.her.id, status: seenBefore.status },
    });
    expect(await count(`audit_events WHERE action = 'case.transfer.list'`)).toBeGreaterThanOrEqual(5);
    const trail = JSON.stringify(await t.ds.query(`SELECT action, reason, details FROM audit_events`));
    const logs = t.logLines.join('\n');
    for (const secret of ['Herefordshire;', 'visiting relatives', 'Amelia', 'Hartley', NHS]) {
      expect(trail).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });

  it('when the case moves back, then it gets a new reference at its first panel and every old one still finds it', async () => {
    const c = await worCase();
    const there = await transfer(c.id, worCoordinator());
    expect(there.status).toBe(201);
    const back = await transfer(c.id, herCoordinator(), {
      panelId: w.panels.wor.id,
      reason: 'Residence confirmed in Worcestershire after all.',
    });
    expect(back.status).toBe(201);
    expect(back.body.from).toEqual({ panelId: w.panels.her.id, reference: 'HER-2026-0001' });
    expect(back.body.to).toEqual({ panelId: w.panels.wor.id, reference: 'WOR-2026-0002' });
    const got = await request(t.app).get(`/v1/cases/${c.id}`).set(worCoordinator());
    expect(got.body.reference).toBe('WOR-2026-0002');
    expect(got.body.previousReferences.map((r: { reference: string }) => r.reference)).toEqual([c.reference, 'HER-2026-0001']);
    for (const reference of [c.reference, 'HER-2026-0001', 'WOR-2026-0002']) {
      const list = await request(t.app).get('/v1/cases').query({ reference }).set(worCoordinator());
      expect(list.body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    }
    // A coordinator of both panels sees both moves as `within`; the list pages newest first.
    const both = coordinatorOf(w.panels.wor.id, w.panels.her.id);
    const first = await request(t.app).get('/v1/case-transfers').query({ limit: 1 }).set(both);
    expect(first.body.items.map((x: { id: string; direction: string }) => [x.id, x.direction])).toEqual([[back.body.id, 'within']]);
    const second = await request(t.app).get('/v1/case-transfers').query({ limit: 1, cursor: first.body.nextCursor }).set(both);
    expect(second.body).toEqual({ items: [{ ...there.body, direction: 'within' }], nextCursor: null });
    const sent = await request(t.app).get('/v1/case-transfers').query({ panelId: w.panels.her.id, direction: 'out' }).set(both);
    expect(sent.body.items.map((x: { id: string; direction: string }) => [x.id, x.direction])).toEqual([[back.body.id, 'out']]);
    const received = await request(t.app).get('/v1/case-transfers').query({ panelId: w.panels.her.id, direction: 'in' }).set(both);
    expect(received.body.items.map((x: { id: string; direction: string }) => [x.id, x.direction])).toEqual([[there.body.id, 'in']]);
  });

  it('when a case is on the agenda of its panel’s meeting, then 409 CASE.ON_AGENDA and nothing is written; taken off the agenda, it moves', async () => {
    const c = await worCase({ status: 'ready_for_panel' });
    const m = await scheduleMeeting(t.app, worCoordinator(), w.panels.wor.id);
    expect((await request(t.app).post(`/v1/panel-meetings/${m.id}/agenda`).set(worCoordinator()).send({ caseId: c.id })).status).toBe(201);
    const before = await snapshot(c.id);
    const res = await transfer(c.id, worCoordinator());
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CASE.ON_AGENDA');
    expect(res.body.detail).toContain('DELETE /v1/panel-meetings/{meetingId}/agenda/{caseId}');
    expect(await snapshot(c.id)).toEqual(before);
    const [refusal] = await t.ds.query(`SELECT outcome, reason FROM audit_events WHERE action = 'case.transfer'`);
    expect(refusal).toEqual({ outcome: 'denied', reason: 'CASE.ON_AGENDA' });

    expect((await request(t.app).delete(`/v1/panel-meetings/${m.id}/agenda/${c.id}`).set(worCoordinator())).status).toBe(200);
    const moved = await transfer(c.id, worCoordinator());
    expect(moved.status).toBe(201);
    expect(moved.body.statusAtTransfer).toBe('ready_for_panel');
    // The sending panel's meeting is unharmed: the removed item is not on its agenda.
    const meeting = await request(t.app).get(`/v1/panel-meetings/${m.id}`).set(worCoordinator());
    expect(meeting.status).toBe(200);
    expect(meeting.body.agenda).toEqual([]);
  });
});

describe('refusals: nothing is written', () => {
  it('when the panel does not exist, then 400 CASE.UNKNOWN_PANEL naming body.panelId', async () => {
    const c = await worCase();
    const before = await snapshot(c.id);
    const res = await transfer(c.id, worCoordinator(), { panelId: '3b241101-e2bb-4255-8caf-4136c566a962', reason: REASON });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('CASE.UNKNOWN_PANEL');
    expect(res.body.errors).toEqual([{ field: 'body.panelId', message: 'no such panel' }]);
    expect(await snapshot(c.id)).toEqual(before);
  });

  it('when the reason is missing, blank or too long, or a field is unknown, then 400 naming the field', async () => {
    const c = await worCase();
    const before = await snapshot(c.id);
    const cases: [object, string][] = [
      [{ panelId: w.panels.her.id }, 'body.reason'],
      [{ panelId: w.panels.her.id, reason: '   ' }, 'body.reason'],
      [{ panelId: w.panels.her.id, reason: 'x'.repeat(2001) }, 'body.reason'],
      [{ reason: REASON }, 'body.panelId'],
      [{ panelId: 'not-a-panel', reason: REASON }, 'body.panelId'],
      [{ panelId: w.panels.her.id, reason: REASON, reference: 'HER-2026-0009' }, 'body.reference'],
    ];
    for (const [body, field] of cases) {
      const res = await transfer(c.id, worCoordinator(), body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await snapshot(c.id)).toEqual(before);
  });

  it('when the case is already with that panel, then 409 CASE.SAME_PANEL', async () => {
    const c = await worCase();
    const before = await snapshot(c.id);
    const res = await transfer(c.id, worCoordinator(), { panelId: w.panels.wor.id, reason: REASON });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CASE.SAME_PANEL');
    expect(await snapshot(c.id)).toEqual(before);
  });

  it.each([
    ['reviewed', 'CASE.TRANSFER_NOT_ALLOWED'],
    ['closed', 'CASE.TRANSFER_NOT_ALLOWED'],
    ['scheduled_for_panel', 'CASE.ON_AGENDA'],
  ] as const)('when the case is %s, then 409 %s', async (status, code) => {
    const c = await worCase({ status });
    const before = await snapshot(c.id);
    const res = await transfer(c.id, worCoordinator());
    expect(res.status).toBe(409);
    expect(res.body.code).toBe(code);
    expect(await snapshot(c.id)).toEqual(before);
  });

  it('when the case was merged into another, then 409 CASE.TRANSFER_NOT_ALLOWED naming the case it was merged into', async () => {
    const target = await worCase();
    const dup = await worCase({ nhsNumber: null, givenName: 'Amelia', familyName: 'Hartly' });
    await t.ds.query(`UPDATE cases SET status = 'closed', merged_into_case_id = $2 WHERE id = $1`, [dup.id, target.id]);
    const before = await snapshot(dup.id);
    const res = await transfer(dup.id, worCoordinator());
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CASE.TRANSFER_NOT_ALLOWED');
    expect(res.body.detail).toContain('merged into');
    expect(await snapshot(dup.id)).toEqual(before);
  });

  it('when an open flag relates the case to another case (a possible duplicate), then 409 CASE.RELATED_FLAG_OPEN naming it; a dismissed one does not hold it back', async () => {
    const c = await worCase();
    const other = await worCase({ nhsNumber: null, familyName: 'Hartly' });
    const flagId = await insertFlag(t.ds, other.id, { relatedCaseId: c.id });
    const before = await snapshot(c.id);
    const res = await transfer(c.id, worCoordinator());
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'CASE.RELATED_FLAG_OPEN', flag: { id: flagId, type: 'POSSIBLE_DUPLICATE' } });
    expect(await snapshot(c.id)).toEqual(before);

    const dismissed = await request(t.app)
      .post(`/v1/cases/${c.id}/actions`)
      .set(worCoordinator())
      .send({ action: 'dismiss_flag', flagId, reason: 'Different children: checked with the GP.' });
    expect(dismissed.status).toBe(200);
    expect((await transfer(c.id, worCoordinator())).status).toBe(201);
  });

  it('when PATCH tries to move an assigned case, then 409 CASE.ALREADY_ASSIGNED names the transfer endpoint', async () => {
    const c = await worCase();
    const res = await request(t.app)
      .patch(`/v1/cases/${c.id}`)
      .set(coordinatorOf(w.panels.wor.id, w.panels.her.id))
      .set('If-Match', '"v1"')
      .send({ panelId: w.panels.her.id });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CASE.ALREADY_ASSIGNED');
    expect(res.body.detail).toContain('POST /v1/cases/{caseId}/transfer');
  });

  it('when the transfers list gets a bad cursor or reference, then 400 naming the parameter', async () => {
    const bad = await request(t.app).get('/v1/case-transfers').query({ cursor: 'bm90LWEtY3Vyc29y' }).set(worCoordinator());
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('query.cursor');
    const wrongShape = await request(t.app)
      .get('/v1/case-transfers')
      .query({ cursor: Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url') })
      .set(worCoordinator());
    expect(wrongShape.status).toBe(400);
    const ref = await request(t.app).get('/v1/case-transfers').query({ reference: 'wor-2026-1' }).set(worCoordinator());
    expect(ref.status).toBe(400);
    expect(ref.body.errors[0].field).toBe('query.reference');
  });
});

describe('concurrency', () => {
  it('when two transfers of one case race, then they take turns on the case row: each applies to the case as the other left it, with a reference of its own', async () => {
    const c = await worCase();
    const both = coordinatorOf(w.panels.wor.id, w.panels.her.id, w.panels.shr.id);
    const results = await Promise.all([
      transfer(c.id, both, { panelId: w.panels.her.id, reason: REASON }),
      transfer(c.id, both, { panelId: w.panels.shr.id, reason: REASON }),
    ]);
    // The second waits for the first's lock, then finds the case at its new panel, which this coordinator also runs.
    expect(results.map((r) => r.status)).toEqual([201, 201]);
    const [a, b] = results.map((r) => r.body);
    const [firstMove, secondMove] = a.to.reference === b.from.reference ? [a, b] : [b, a];
    expect(secondMove.from).toEqual(firstMove.to);
    expect(await count('case_transfers')).toBe(2);
    const got = await request(t.app).get(`/v1/cases/${c.id}`).set(both);
    expect(got.body.previousReferences).toHaveLength(2);
    const [{ n }] = await t.ds.query(`SELECT count(DISTINCT to_reference)::int AS n FROM case_transfers`);
    expect(n).toBe(2);
  });
});
