import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import {
  attachNotification,
  caseFingerprint,
  insertCase,
  insertFlag,
  seedCaseWorld,
  setDeadlineDue,
  type CaseWorld,
} from '../../support/cases';
import { as, principal } from '../../support/principals';

// Who may call:
// - read (GET /v1/cases, /v1/cases/{id}, …/history, …/notifications): `cases:read` — CDOP coordinators, panel chairs and
//   panel members for the cases of their panels, administrators for the unassigned queue; auditors, agency contributors
//   and hospital systems get 403;
// - PATCH: `cases:write` — coordinators (their panels' cases, or assigning a queued case to one of their panels) and
//   administrators (the queue); chairs and members get 403;
// - a case outside the caller's scope is 404 for every operation, never 403;
// - no credentials: 401.
// Coordinators (and administrators for the queue) see the child's identity; chairs and members see it anonymised.

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
const coordinatorOf = (...panelIds: string[]) => as(principal('cdop_coordinator', { panelIds }));
const memberOf = (...panelIds: string[]) => as(principal('panel_member', { panelIds }));
const chairOf = (...panelIds: string[]) => as(principal('panel_chair', { panelIds }));
const admin = () => as(principal('administrator'));

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
    ...over,
  });
}

const count = async (table: string) => (await t.ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;
const PERSONAL = ['Amelia', 'Hartley', NHS, '2025-03-14', 'Foregate', 'WR1 1AA'];
async function auditText(): Promise<string> {
  return JSON.stringify(await t.ds.query(`SELECT action, reason, details FROM audit_events`));
}

describe('authorization', () => {
  it('when no credentials are sent, then every operation is 401', async () => {
    const c = await worCase();
    for (const res of [
      await request(t.app).get('/v1/cases'),
      await request(t.app).get(`/v1/cases/${c.id}`),
      await request(t.app).patch(`/v1/cases/${c.id}`).set('If-Match', '"v1"').send({ category: 5 }),
      await request(t.app).post(`/v1/cases/${c.id}/actions`).send({ action: 'request_information' }),
      await request(t.app).get(`/v1/cases/${c.id}/history`),
      await request(t.app).get(`/v1/cases/${c.id}/notifications`),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('AUTH.UNAUTHENTICATED');
    }
  });

  it.each(['auditor', 'agency_contributor', 'hospital_system'] as const)(
    'when a %s calls any case operation, then 403 and nothing changes',
    async (role) => {
      const c = await worCase();
      const before = await caseFingerprint(t.ds, c.id);
      const who = as(principal(role, { panelIds: [w.panels.wor.id], agencyId: w.agencies.hospital }));
      for (const res of [
        await request(t.app).get('/v1/cases').set(who),
        await request(t.app).get(`/v1/cases/${c.id}`).set(who),
        await request(t.app).patch(`/v1/cases/${c.id}`).set(who).set('If-Match', '"v1"').send({ category: 5 }),
        await request(t.app).post(`/v1/cases/${c.id}/actions`).set(who).send({ action: 'request_information' }),
        await request(t.app).get(`/v1/cases/${c.id}/history`).set(who),
        await request(t.app).get(`/v1/cases/${c.id}/notifications`).set(who),
      ]) {
        expect(res.status).toBe(403);
      }
      expect(await caseFingerprint(t.ds, c.id)).toBe(before);
    },
  );

  it.each([['panel_chair'], ['panel_member']] as const)(
    'when a %s of the panel writes, then 403 and nothing changes; reads are allowed',
    async (role) => {
      const c = await worCase();
      const before = await caseFingerprint(t.ds, c.id);
      const who = as(principal(role, { panelIds: [w.panels.wor.id] }));
      expect((await request(t.app).patch(`/v1/cases/${c.id}`).set(who).set('If-Match', '"v1"').send({ category: 5 })).status).toBe(403);
      expect((await request(t.app).post(`/v1/cases/${c.id}/actions`).set(who).send({ action: 'request_information' })).status).toBe(403);
      expect(await caseFingerprint(t.ds, c.id)).toBe(before);
      const got = await request(t.app).get(`/v1/cases/${c.id}`).set(who);
      expect(got.status).toBe(200);
      expect(got.body.allowedActions).toEqual([]);
    },
  );

  it('when a coordinator of another panel calls any operation on the case, then 404 (as for a case that does not exist) and nothing changes', async () => {
    const c = await worCase();
    const before = await caseFingerprint(t.ds, c.id);
    const other = coordinatorOf(w.panels.her.id);
    for (const res of [
      await request(t.app).get(`/v1/cases/${c.id}`).set(other),
      await request(t.app).patch(`/v1/cases/${c.id}`).set(other).set('If-Match', '"v1"').send({ category: 5 }),
      await request(t.app).post(`/v1/cases/${c.id}/actions`).set(other).send({ action: 'request_information' }),
      await request(t.app).get(`/v1/cases/${c.id}/history`).set(other),
      await request(t.app).get(`/v1/cases/${c.id}/notifications`).set(other),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('CASE.NOT_FOUND');
    }
    const missing = await request(t.app).get('/v1/cases/3b241101-e2bb-4255-8caf-4136c566a962').set(other);
    expect(missing.body.detail).toBe((await request(t.app).get(`/v1/cases/${c.id}`).set(other)).body.detail);
    expect((await request(t.app).get('/v1/cases').set(other)).body.items).toEqual([]);
    expect(await caseFingerprint(t.ds, c.id)).toBe(before);
  });

  it('when an administrator asks for a panel case, then 404; for a case in the unassigned queue, then 200', async () => {
    const assigned = await worCase();
    const queued = await insertCase(t.ds, { panelId: null, notifierAgencyId: w.agencies.hospital, localAuthority: 'E09000033' });
    expect((await request(t.app).get(`/v1/cases/${assigned.id}`).set(admin())).status).toBe(404);
    expect((await request(t.app).get(`/v1/cases/${queued.id}`).set(admin())).status).toBe(200);
    expect((await request(t.app).get(`/v1/cases/${queued.id}`).set(coordinatorOf(w.panels.wor.id))).status).toBe(404);
  });

  it('when an out-of-scope case is asked for, then the refusal is audited without personal data', async () => {
    const c = await worCase();
    await request(t.app).get(`/v1/cases/${c.id}`).set(coordinatorOf(w.panels.her.id));
    const [e] = await t.ds.query(`SELECT action, outcome, reason, resource_id FROM audit_events WHERE action = 'case.read'`);
    expect(e).toEqual({ action: 'case.read', outcome: 'failure', reason: 'CASE.NOT_FOUND', resource_id: c.id });
  });
});

describe('reading a case', () => {
  it('when a coordinator of the panel reads the case, then the child is identified, with an ETag, flags, clocks and allowed actions', async () => {
    const c = await worCase({ alternativeNames: [{ givenName: 'Millie', familyName: 'Hartley' }] });
    await attachNotification(t.ds, c.id, w.agencies.police, { match: 'nhs_number' });
    // A later notification gave c's NHS number for a child born on another day: that case is flagged against c.
    const later = await worCase({ nhsNumber: null, dateOfBirth: '2025-04-02' });
    const flagId = await insertFlag(t.ds, later.id, {
      type: 'NHS_NUMBER_CONFLICT',
      relatedCaseId: c.id,
      ruleId: 'notification.duplicate_match',
      ruleVersion: 2,
      evidence: { matchedOn: ['nhs_number'], differences: ['date_of_birth'] },
    });
    const res = await request(t.app).get(`/v1/cases/${c.id}`).set(coordinatorOf(w.panels.wor.id));
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"v1"');
    expect(res.body).toMatchObject({
      id: c.id,
      reference: c.reference,
      panelId: w.panels.wor.id,
      status: 'notified',
      hold: null,
      dateOfDeath: '2026-11-02',
      ageAtDeath: { days: 598, band: '1-4_years' },
      sex: 'female',
      expectedDeath: 'unexpected',
      notificationCount: 2,
      allowedActions: ['request_information', 'place_hold', 'dismiss_flag', 'merge_duplicate'],
      child: {
        nhsNumber: NHS,
        nhsNumberExceptionReason: null,
        givenName: 'Amelia',
        familyName: 'Hartley',
        dateOfBirth: '2025-03-14',
        alternativeNames: [{ givenName: 'Millie', familyName: 'Hartley' }],
        address: { lines: ['12 Foregate Street'], town: 'Worcester', postcode: 'WR1 1AA' },
      },
    });
    expect(res.body.flags).toEqual([
      expect.objectContaining({
        id: flagId,
        type: 'NHS_NUMBER_CONFLICT',
        status: 'open',
        ruleId: 'notification.duplicate_match',
        ruleVersion: 2,
        evidence: { matchedOn: ['nhs_number'], differences: ['date_of_birth'] },
        relatedCaseId: later.id,
        blocks: ['schedule_for_panel', 'record_panel_review', 'close'],
      }),
    ]);
    expect(res.body.deadlines.map((d: { ruleId: string; status: string }) => [d.ruleId, d.status])).toEqual(
      expect.arrayContaining([
        ['panel_review_target', expect.any(String)],
        ['notification_form_due', expect.any(String)],
      ]),
    );
  });

  it.each([['panel_member'], ['panel_chair']] as const)(
    'when a %s reads the case, then it is anonymised: no names, NHS number, date of birth or address anywhere, but the age at death',
    async (role) => {
      const c = await worCase();
      const who = as(principal(role, { panelIds: [w.panels.wor.id] }));
      for (const res of [
        await request(t.app).get(`/v1/cases/${c.id}`).set(who),
        await request(t.app).get('/v1/cases').set(who),
        await request(t.app).get(`/v1/cases/${c.id}/notifications`).set(who),
        await request(t.app).get(`/v1/cases/${c.id}/history`).set(who),
      ]) {
        expect(res.status).toBe(200);
        const text = JSON.stringify(res.body);
        for (const s of PERSONAL) expect(text).not.toContain(s);
      }
      const got = await request(t.app).get(`/v1/cases/${c.id}`).set(who);
      expect(got.body.child).toBeUndefined();
      expect(got.body.ageAtDeath).toEqual({ days: 598, band: '1-4_years' });
      expect(got.body.reference).toBe(c.reference);
    },
  );

  it('when an administrator reads a case in the unassigned queue, then the child is identified so it can be routed', async () => {
    const q = await insertCase(t.ds, {
      panelId: null,
      notifierAgencyId: w.agencies.hospital,
      givenName: 'Oliver',
      familyName: 'Grant',
      localAuthority: 'E09000033',
    });
    const res = await request(t.app).get(`/v1/cases/${q.id}`).set(admin());
    expect(res.body).toMatchObject({
      reference: null,
      panelId: null,
      localAuthorityCode: 'E09000033',
      child: { givenName: 'Oliver', familyName: 'Grant' },
    });
    expect(res.body.allowedActions).toEqual([]);
  });

  it('when an open clock is past due, then the case is overdue and the clock says so; a met clock is not', async () => {
    const c = await worCase();
    await setDeadlineDue(t.ds, c.id, 'notification_form_due', new Date(Date.now() - 86_400_000));
    const res = await request(t.app).get(`/v1/cases/${c.id}`).set(coordinatorOf(w.panels.wor.id));
    expect(res.body.overdue).toBe(true);
    expect(res.body.deadlines.find((d: { ruleId: string }) => d.ruleId === 'notification_form_due')).toMatchObject({
      status: 'overdue',
      metAt: null,
    });
    await t.ds.query(`UPDATE case_deadlines SET met_at = now() WHERE case_id = $1`, [c.id]);
    const after = await request(t.app).get(`/v1/cases/${c.id}`).set(coordinatorOf(w.panels.wor.id));
    expect(after.body.overdue).toBe(false);
    expect(after.body.deadlines.find((d: { ruleId: string }) => d.ruleId === 'notification_form_due').status).toBe('met_late');
  });

  it('when a case is read, then the read is audited with whether it was identifiable, and no personal data', async () => {
    const c = await worCase();
    await request(t.app).get(`/v1/cases/${c.id}`).set(coordinatorOf(w.panels.wor.id));
    await request(t.app).get(`/v1/cases/${c.id}`).set(memberOf(w.panels.wor.id));
    const events = await t.ds.query(`SELECT details FROM audit_events WHERE action = 'case.read' AND resource_id = $1 ORDER BY id`, [c.id]);
    expect(events.map((e: { details: { identifiable: boolean } }) => e.details.identifiable)).toEqual([true, false]);
    for (const s of PERSONAL) expect(await auditText()).not.toContain(s);
  });

  it('when the id is not a uuid, then 400; when it does not exist, then 404', async () => {
    expect((await request(t.app).get('/v1/cases/not-a-uuid').set(coordinatorOf(w.panels.wor.id))).status).toBe(400);
    expect((await request(t.app).get('/v1/cases/3b241101-e2bb-4255-8caf-4136c566a962').set(coordinatorOf(w.panels.wor.id))).status).toBe(
      404,
    );
  });
});

describe('listing cases', () => {
  it('when callers list, then each sees only their scope: a panel, two panels, or the unassigned queue', async () => {
    const a = await worCase();
    const b = await insertCase(t.ds, { panelId: w.panels.her.id, notifierAgencyId: w.agencies.gp });
    const q = await insertCase(t.ds, { panelId: null, notifierAgencyId: w.agencies.gp, localAuthority: 'E09000033' });
    const ids = async (who: Record<string, string>) =>
      (await request(t.app).get('/v1/cases').set(who)).body.items.map((i: { id: string }) => i.id).sort();
    expect(await ids(coordinatorOf(w.panels.wor.id))).toEqual([a.id]);
    expect(await ids(chairOf(w.panels.wor.id, w.panels.her.id))).toEqual([a.id, b.id].sort());
    expect(await ids(admin())).toEqual([q.id]);
    expect(await ids(memberOf())).toEqual([]);
  });

  it('when filters are given, then only matching cases are listed', async () => {
    const P = w.panels.wor.id;
    const who = coordinatorOf(P, w.panels.her.id);
    const early = await worCase({ dateOfDeath: '2026-01-10', category: 4 });
    const mid = await worCase({ nhsNumber: null, dateOfDeath: '2026-05-20', status: 'ready_for_panel', category: 9 });
    const late = await worCase({ nhsNumber: null, dateOfDeath: '2026-09-01', status: 'closed' });
    const her = await insertCase(t.ds, { panelId: w.panels.her.id, notifierAgencyId: w.agencies.gp, dateOfDeath: '2026-03-03' });
    // Deaths early this year are past their default clocks: start from none overdue, then make two so.
    await t.ds.query(`UPDATE case_deadlines SET due_at = now() + interval '30 days'`);
    await setDeadlineDue(t.ds, mid.id, 'panel_review_target', new Date(Date.now() - 1000));
    await setDeadlineDue(t.ds, late.id, 'panel_review_target', new Date(Date.now() - 1000)); // closed: never overdue
    await insertFlag(t.ds, her.id, { relatedCaseId: early.id });
    await insertFlag(t.ds, late.id, { type: 'NHS_NUMBER_CONFLICT', relatedCaseId: early.id });
    const list = async (query: Record<string, unknown>) => {
      const res = await request(t.app).get('/v1/cases').query(query).set(who);
      expect(res.status).toBe(200);
      return res.body.items.map((i: { id: string }) => i.id);
    };
    expect(await list({})).toEqual([late.id, mid.id, her.id, early.id]);
    expect(await list({ status: 'ready_for_panel' })).toEqual([mid.id]);
    expect(await list({ status: ['closed', 'notified'] })).toEqual([late.id, her.id, early.id]);
    expect(await list({ panelId: w.panels.her.id })).toEqual([her.id]);
    expect(await list({ overdue: true })).toEqual([mid.id]);
    expect(await list({ overdue: false })).toEqual([late.id, her.id, early.id]);
    // A flag relating two cases concerns both of the pair.
    expect(await list({ flagged: true })).toEqual([late.id, her.id, early.id]);
    expect(await list({ flagType: 'POSSIBLE_DUPLICATE' })).toEqual([her.id, early.id]);
    expect(await list({ flagType: 'NHS_NUMBER_CONFLICT' })).toEqual([late.id, early.id]);
    expect(await list({ flagged: false })).toEqual([mid.id]);
    expect(await list({ dateOfDeathFrom: '2026-03-03', dateOfDeathTo: '2026-05-20' })).toEqual([mid.id, her.id]);
    expect(await list({ category: 4 })).toEqual([early.id]);
    expect(await list({ unassigned: false, category: 9 })).toEqual([mid.id]);
    expect(await list({ unassigned: true })).toEqual([]);
    const flagged = (await request(t.app).get('/v1/cases').query({ flagType: 'NHS_NUMBER_CONFLICT' }).set(who)).body.items[0];
    expect(flagged.openFlags).toEqual([{ id: expect.any(String), type: 'NHS_NUMBER_CONFLICT' }]);
  });

  it('when filters are malformed, then 400 names each one and the list is not audited as read', async () => {
    const res = await request(t.app)
      .get('/v1/cases')
      .query({ status: 'lost', category: 11, dateOfDeathFrom: '26-1-1', overdue: 'perhaps' })
      .set(coordinatorOf(w.panels.wor.id));
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['query.category', 'query.overdue', 'query.dateOfDeathFrom']));
    expect(fields.some((f: string) => f.startsWith('query.status'))).toBe(true);
    const impossible = await request(t.app)
      .get('/v1/cases')
      .query({ dateOfDeathFrom: '2026-02-31', dateOfDeathTo: '2026-13-01' })
      .set(coordinatorOf(w.panels.wor.id));
    expect(impossible.status).toBe(400);
    expect(impossible.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.dateOfDeathFrom', 'query.dateOfDeathTo']);
    const unknown = await request(t.app).get('/v1/cases').query({ colour: 'red' }).set(coordinatorOf(w.panels.wor.id));
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('query.colour');
    expect(await count(`audit_events WHERE action = 'case.list'`)).toBe(0);
  });

  it('when there are more cases than the limit, then pages follow date of death (newest first) then id, without gaps or repeats', async () => {
    const dates = ['2026-02-01', '2026-04-01', '2026-04-01', '2026-04-01', '2026-01-15', '2026-06-30', '2026-04-01'];
    const made = [];
    for (const d of dates) made.push({ id: (await worCase({ nhsNumber: null, dateOfDeath: d })).id, d });
    const expected = made.sort((a, b) => (a.d === b.d ? (a.id < b.id ? 1 : -1) : a.d < b.d ? 1 : -1)).map((m) => m.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await request(t.app)
        .get('/v1/cases')
        .query(cursor ? { limit: 3, cursor } : { limit: 3 })
        .set(memberOf(w.panels.wor.id));
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);
  });

  it('when the cursor is forged, then 400 names query.cursor', async () => {
    for (const cursor of ['bm90LWpzb24', Buffer.from(JSON.stringify(['x', 'y'])).toString('base64url')]) {
      const res = await request(t.app).get('/v1/cases').query({ cursor }).set(memberOf(w.panels.wor.id));
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('query.cursor');
    }
  });
});

describe('changing a case (PATCH with If-Match)', () => {
  it('when If-Match is missing, then 428; stale, then 412; garbage or a wildcard, then 412; nothing changes', async () => {
    const c = await worCase();
    const who = coordinatorOf(w.panels.wor.id);
    const before = await caseFingerprint(t.ds, c.id);
    expect((await request(t.app).patch(`/v1/cases/${c.id}`).set(who).send({ category: 5 })).status).toBe(428);
    expect((await request(t.app).patch(`/v1/cases/${c.id}`).set(who).set('If-Match', '"v7"').send({ category: 5 })).status).toBe(412);
    for (const tag of ['*', 'v1', '"abc"']) {
      expect((await request(t.app).patch(`/v1/cases/${c.id}`).set(who).set('If-Match', tag).send({ category: 5 })).status).toBe(412);
    }
    expect(await caseFingerprint(t.ds, c.id)).toBe(before);
  });

  it('when a coordinator corrects the category and whether the death was expected, then the case changes, the version moves on and history records it', async () => {
    const c = await worCase();
    const who = coordinatorOf(w.panels.wor.id);
    const res = await request(t.app)
      .patch(`/v1/cases/${c.id}`)
      .set(who)
      .set('If-Match', '"v1"')
      .send({ category: 10, expectedDeath: 'expected' });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"v2"');
    expect(res.body).toMatchObject({ category: 10, expectedDeath: 'expected', version: 2 });
    const again = await request(t.app).patch(`/v1/cases/${c.id}`).set(who).set('If-Match', '"v1"').send({ category: 3 });
    expect(again.status).toBe(412);
    const cleared = await request(t.app).patch(`/v1/cases/${c.id}`).set(who).set('If-Match', '"v2"').send({ category: null });
    expect(cleared.body).toMatchObject({ category: null, version: 3 });
    const history = (await request(t.app).get(`/v1/cases/${c.id}/history`).set(memberOf(w.panels.wor.id))).body.items;
    expect(history.filter((h: { action: string }) => h.action === 'correct_details').map((h: { payload: unknown }) => h.payload)).toEqual([
      { changes: { category: { from: null, to: 10 }, expectedDeath: { from: 'unexpected', to: 'expected' } } },
      { changes: { category: { from: 10, to: null } } },
    ]);
    const audits = await t.ds.query(`SELECT details FROM audit_events WHERE action = 'case.update' ORDER BY id`);
    expect(audits[0].details).toMatchObject({ fields: ['category', 'expectedDeath'], changed: ['category', 'expectedDeath'] });
  });

  it('when the patch changes nothing, then 200 and the version stays', async () => {
    const c = await worCase({ category: 5 });
    const res = await request(t.app)
      .patch(`/v1/cases/${c.id}`)
      .set(coordinatorOf(w.panels.wor.id))
      .set('If-Match', '"v1"')
      .send({ category: 5 });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(1);
    expect(await count(`case_actions WHERE action = 'correct_details'`)).toBe(0);
  });

  it('when the body is invalid, then 400 names each field and nothing is written', async () => {
    const c = await worCase();
    const who = coordinatorOf(w.panels.wor.id);
    const before = await caseFingerprint(t.ds, c.id);
    const res = await request(t.app)
      .patch(`/v1/cases/${c.id}`)
      .set(who)
      .set('If-Match', '"v1"')
      .send({ category: 11, expectedDeath: 'maybe', status: 'closed', panelId: 'nope' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['body.category', 'body.expectedDeath', 'body.status', 'body.panelId']),
    );
    expect((await request(t.app).patch(`/v1/cases/${c.id}`).set(who).set('If-Match', '"v1"').send({})).status).toBe(400);
    expect(
      (
        await request(t.app)
          .patch(`/v1/cases/${c.id}`)
          .set(who)
          .set('If-Match', '"v1"')
          .set('Content-Type', 'text/plain')
          .send('category=1')
      ).status,
    ).toBe(415);
    expect(await caseFingerprint(t.ds, c.id)).toBe(before);
  });

  it('when an administrator assigns a queued case to a panel, then it gets the next reference, leaves their queue (204) and reaches the panel', async () => {
    await worCase({ dateOfDeath: '2026-02-27', notifiedAt: new Date('2026-03-01T10:00:00Z') }); // WOR-2026-0001
    const q = await insertCase(t.ds, {
      panelId: null,
      notifierAgencyId: w.agencies.hospital,
      givenName: 'Oliver',
      familyName: 'Grant',
      notifiedAt: new Date('2026-07-01T10:00:00Z'),
    });
    const res = await request(t.app).patch(`/v1/cases/${q.id}`).set(admin()).set('If-Match', '"v1"').send({ panelId: w.panels.wor.id });
    expect(res.status).toBe(204);
    expect((await request(t.app).get(`/v1/cases/${q.id}`).set(admin())).status).toBe(404);
    const got = await request(t.app).get(`/v1/cases/${q.id}`).set(coordinatorOf(w.panels.wor.id));
    expect(got.body).toMatchObject({ reference: 'WOR-2026-0002', panelId: w.panels.wor.id, version: 2, child: { givenName: 'Oliver' } });
    const [assign] = (await request(t.app).get(`/v1/cases/${q.id}/history`).set(memberOf(w.panels.wor.id))).body.items.filter(
      (h: { action: string }) => h.action === 'assign_panel',
    );
    expect(assign.payload).toEqual({ panelId: w.panels.wor.id, reference: 'WOR-2026-0002' });
  });

  it('when a coordinator assigns a queued case to their own panel, then 200 with the reference; to another panel, 404', async () => {
    const q = await insertCase(t.ds, {
      panelId: null,
      notifierAgencyId: w.agencies.hospital,
      notifiedAt: new Date('2026-08-10T09:00:00Z'),
    });
    const before = await caseFingerprint(t.ds, q.id);
    const wrong = await request(t.app)
      .patch(`/v1/cases/${q.id}`)
      .set(coordinatorOf(w.panels.wor.id))
      .set('If-Match', '"v1"')
      .send({ panelId: w.panels.her.id });
    expect(wrong.status).toBe(404);
    const notAssigning = await request(t.app)
      .patch(`/v1/cases/${q.id}`)
      .set(coordinatorOf(w.panels.wor.id))
      .set('If-Match', '"v1"')
      .send({ category: 2 });
    expect(notAssigning.status).toBe(404);
    expect(await caseFingerprint(t.ds, q.id)).toBe(before);
    const res = await request(t.app)
      .patch(`/v1/cases/${q.id}`)
      .set(coordinatorOf(w.panels.her.id))
      .set('If-Match', '"v1"')
      .send({ panelId: w.panels.her.id, category: 8 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ reference: 'HER-2026-0001', panelId: w.panels.her.id, category: 8, version: 2 });
    expect(res.body.child).toBeDefined();
  });

  it('when the case is already assigned, then moving it to another panel is 409; an unknown panel is 400', async () => {
    const c = await worCase();
    const both = coordinatorOf(w.panels.wor.id, w.panels.her.id);
    const moved = await request(t.app).patch(`/v1/cases/${c.id}`).set(both).set('If-Match', '"v1"').send({ panelId: w.panels.her.id });
    expect(moved.status).toBe(409);
    expect(moved.body.code).toBe('CASE.ALREADY_ASSIGNED');
    const unknown = await request(t.app)
      .patch(`/v1/cases/${c.id}`)
      .set(both)
      .set('If-Match', '"v1"')
      .send({ panelId: '3b241101-e2bb-4255-8caf-4136c566a962' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'CASE.UNKNOWN_PANEL', errors: [{ field: 'body.panelId' }] });
  });
});

describe('history and notifications', () => {
  it('when a coordinator reads the history, then it is the action log in order with free text; a member gets the same without free text', async () => {
    const c = await worCase();
    const who = coordinatorOf(w.panels.wor.id);
    await request(t.app).post(`/v1/cases/${c.id}/actions`).set(who).send({ action: 'request_information', note: 'Forms sent to Dr Patel' });
    await request(t.app)
      .post(`/v1/cases/${c.id}/actions`)
      .set(who)
      .send({ action: 'place_hold', holdReason: 'awaiting_inquest', reason: 'Coroner opened inquest' });
    const mine = (await request(t.app).get(`/v1/cases/${c.id}/history`).set(who)).body.items;
    expect(mine.map((h: { action: string; fromStatus: string | null; toStatus: string }) => [h.action, h.fromStatus, h.toStatus])).toEqual([
      ['notify', null, 'notified'],
      ['request_information', 'notified', 'gathering_information'],
      ['place_hold', 'gathering_information', 'gathering_information'],
    ]);
    expect(mine[1].payload).toEqual({ note: 'Forms sent to Dr Patel', startedDeadlines: ['agency_reporting_forms_due'] });
    expect(mine[2]).toMatchObject({
      actor: { type: 'user', id: expect.any(String) },
      payload: { holdReason: 'awaiting_inquest', reason: 'Coroner opened inquest' },
    });
    const theirs = (await request(t.app).get(`/v1/cases/${c.id}/history`).set(memberOf(w.panels.wor.id))).body.items;
    expect(theirs[1].payload).toEqual({ startedDeadlines: ['agency_reporting_forms_due'] });
    expect(theirs[2].payload).toEqual({ holdReason: 'awaiting_inquest' });
    expect(JSON.stringify(theirs)).not.toContain('Patel');
  });

  it('when the history is longer than the limit, then it pages by id', async () => {
    const c = await worCase();
    for (let i = 0; i < 4; i++) await attachNotification(t.ds, c.id, w.agencies.police);
    const first = await request(t.app).get(`/v1/cases/${c.id}/history`).query({ limit: 3 }).set(memberOf(w.panels.wor.id));
    const second = await request(t.app)
      .get(`/v1/cases/${c.id}/history`)
      .query({ limit: 3, cursor: first.body.nextCursor })
      .set(memberOf(w.panels.wor.id));
    const ids = [...first.body.items, ...second.body.items].map((h: { id: number }) => h.id);
    expect(ids).toHaveLength(5);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(second.body.nextCursor).toBeNull();
    expect(second.body.items[0].payload).toEqual({ notificationId: expect.any(String), match: 'demographics' });
  });

  it('when notifications are listed, then each notifier in order of receipt; the form only for coordinators', async () => {
    const c = await worCase();
    const later = await attachNotification(t.ds, c.id, w.agencies.police, {
      match: 'nhs_number',
      receivedAt: new Date(Date.now() + 60_000),
    });
    const mine = await request(t.app).get(`/v1/cases/${c.id}/notifications`).set(coordinatorOf(w.panels.wor.id));
    expect(mine.status).toBe(200);
    expect(
      mine.body.items.map((n: { id: string; match: string; notifierAgency: { name: string } }) => [n.id, n.match, n.notifierAgency.name]),
    ).toEqual([
      [c.notificationId, 'new_case', 'Worcestershire Acute Hospitals NHS Trust'],
      [later, 'nhs_number', 'West Mercia Police'],
    ]);
    expect(mine.body.items[0].form.child.name).toEqual({ givenName: 'Amelia', familyName: 'Hartley' });
    const theirs = await request(t.app).get(`/v1/cases/${c.id}/notifications`).query({ limit: 1 }).set(chairOf(w.panels.wor.id));
    expect(theirs.body.items[0].form).toBeUndefined();
    const next = await request(t.app)
      .get(`/v1/cases/${c.id}/notifications`)
      .query({ limit: 1, cursor: theirs.body.nextCursor })
      .set(chairOf(w.panels.wor.id));
    expect(next.body.items.map((n: { id: string }) => n.id)).toEqual([later]);
    const audits = await t.ds.query(`SELECT details FROM audit_events WHERE action = 'case.notifications.read' ORDER BY id`);
    expect(audits.map((a: { details: { formsIncluded: boolean } }) => a.details.formsIncluded)).toEqual([true, false, false]);
  });
});
