import request from 'supertest';
import { addDays, londonDateOf } from '../../../src/platform/time';
import { startTestApp, type TestApp } from '../../support/app';
import { insertCase, seedCaseWorld, type CaseWorld } from '../../support/cases';
import { as, principal } from '../../support/principals';

// Who may do what with the actions and recommendations arising from a review:
// - coordinators, chairs and members of the case's panel: create, list, change and update them (reviews:read / reviews:write);
// - across cases (GET /v1/actions): each caller sees only their own panels' actions;
// - a coordinator, chair or member of another panel: the case or action does not exist (404);
// - auditors, administrators, agency staff: forbidden (403);
// - anonymous: 401.
// Closing a case (POST /v1/cases/{id}/actions close) is refused while an action has no owner agency.

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

const wor = () => as(principal('cdop_coordinator', { panelIds: [w.panels.wor.id] }));
const her = () => as(principal('cdop_coordinator', { panelIds: [w.panels.her.id] }));
const both = () => as(principal('panel_chair', { panelIds: [w.panels.wor.id, w.panels.her.id] }));
const worMember = () => as(principal('panel_member', { panelIds: [w.panels.wor.id] }));
const today = () => londonDateOf(new Date());

const openCase = async (panelId: string, status: 'reviewed' | 'scheduled_for_panel' = 'reviewed') =>
  (await insertCase(t.ds, { panelId, notifierAgencyId: w.agencies.hospital, status })).id;

const create = (caseId: string, body: object, who = wor()) => request(t.app).post(`/v1/cases/${caseId}/review/actions`).set(who).send(body);

const actionCount = async () => (await t.ds.query(`SELECT count(*)::int AS n FROM review_actions`))[0].n as number;

describe('actions of a case', () => {
  it('when a member records an action without an owner, then 201 open with a Location; the owner is set later; the list shows it', async () => {
    const caseId = await openCase(w.panels.wor.id);
    const res = await create(caseId, { description: 'Review the safer sleep leaflet.', dueDate: addDays(today(), 30) }, worMember());
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/review-actions/${res.body.id}`);
    expect(res.body).toMatchObject({ caseId, panelId: w.panels.wor.id, ownerAgency: null, status: 'open', overdue: false, updates: [] });
    const patched = await request(t.app).patch(`/v1/review-actions/${res.body.id}`).set(wor()).send({ ownerAgencyId: w.agencies.hospital });
    expect(patched.status).toBe(200);
    expect(patched.body.ownerAgency).toEqual({ id: w.agencies.hospital, name: 'Worcestershire Acute Hospitals NHS Trust' });
    const list = await request(t.app).get(`/v1/cases/${caseId}/review/actions`).set(worMember());
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toEqual(patched.body);
    // Audited with ids and field names, never the description.
    const events = await t.ds.query(`SELECT action, details FROM audit_events WHERE action LIKE 'case.review.action%' ORDER BY id`);
    expect(events.map((e: { action: string }) => e.action)).toEqual([
      'case.review.action.created',
      'case.review.action.updated',
      'case.review.actions.read',
    ]);
    expect(events[1].details).toMatchObject({ caseId, fields: ['ownerAgencyId'] });
    expect(JSON.stringify(events)).not.toContain('safer sleep');
  });

  it('when progress is recorded with notes and a PATCH changes the status, then every change is in the history, oldest first, and the history cannot be edited', async () => {
    const caseId = await openCase(w.panels.wor.id);
    const { body: a } = await create(caseId, { description: 'Audit discharge advice.', ownerAgencyId: w.agencies.hospital });
    const first = await request(t.app)
      .post(`/v1/review-actions/${a.id}/updates`)
      .set(wor())
      .send({ status: 'in_progress', note: 'Started.' });
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('in_progress');
    const note = await request(t.app)
      .post(`/v1/review-actions/${a.id}/updates`)
      .set(wor())
      .send({ status: 'in_progress', note: 'Half done.' });
    expect(note.body.updates).toHaveLength(2);
    const done = await request(t.app).patch(`/v1/review-actions/${a.id}`).set(wor()).send({ status: 'done' });
    expect(
      done.body.updates.map((u: { fromStatus: string; toStatus: string; note: string | null }) => [u.fromStatus, u.toStatus, u.note]),
    ).toEqual([
      ['open', 'in_progress', 'Started.'],
      ['in_progress', 'in_progress', 'Half done.'],
      ['in_progress', 'done', null],
    ]);
    await expect(t.ds.query(`UPDATE review_action_updates SET note = 'changed'`)).rejects.toThrow(/append-only/);
    await expect(t.ds.query(`DELETE FROM review_action_updates`)).rejects.toThrow(/append-only/);
  });

  it('when the owner agency is unknown, then 400 naming body.ownerAgencyId and nothing written', async () => {
    const caseId = await openCase(w.panels.wor.id);
    const res = await create(caseId, { description: 'X', ownerAgencyId: '00000000-0000-4000-8000-000000000000' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('body.ownerAgencyId');
    expect(await actionCount()).toBe(0);
  });

  it("when another panel's coordinator creates, lists or changes, then 404; auditors and agency staff 403; anonymous 401; nothing written", async () => {
    const caseId = await openCase(w.panels.wor.id);
    const { body: a } = await create(caseId, { description: 'X' });
    expect((await create(caseId, { description: 'Y' }, her())).status).toBe(404);
    expect((await request(t.app).get(`/v1/cases/${caseId}/review/actions`).set(her())).status).toBe(404);
    expect((await request(t.app).patch(`/v1/review-actions/${a.id}`).set(her()).send({ status: 'done' })).status).toBe(404);
    expect((await request(t.app).post(`/v1/review-actions/${a.id}/updates`).set(her()).send({ status: 'done', note: 'n' })).status).toBe(
      404,
    );
    for (const who of [as(principal('auditor')), as(principal('agency_contributor', { agencyId: w.agencies.hospital }))]) {
      expect((await create(caseId, { description: 'Y' }, who)).status).toBe(403);
      expect((await request(t.app).get('/v1/actions').set(who)).status).toBe(403);
    }
    expect((await request(t.app).get('/v1/actions')).status).toBe(401);
    expect(await actionCount()).toBe(1);
    const [row] = await t.ds.query(`SELECT status FROM review_actions`);
    expect(row.status).toBe('open');
  });
});

describe('GET /v1/actions', () => {
  it('when actions of two panels are listed with overdue=true, then each caller sees only its panels’ overdue ones, earliest due first', async () => {
    const worA = await openCase(w.panels.wor.id);
    const worB = await openCase(w.panels.wor.id);
    const herA = await openCase(w.panels.her.id);
    const yesterday = addDays(today(), -1);
    const lastMonth = addDays(today(), -30);
    const mk = async (caseId: string, description: string, dueDate: string | null, who = wor()) =>
      (await create(caseId, { description, dueDate }, who)).body.id as string;
    const overdueOld = await mk(worB, 'old', lastMonth);
    const overdueNew = await mk(worA, 'new', yesterday);
    const dueToday = await mk(worA, 'today', today());
    await mk(worA, 'none', null);
    const finished = await mk(worB, 'finished', lastMonth);
    await request(t.app).patch(`/v1/review-actions/${finished}`).set(wor()).send({ status: 'done' });
    const refused = await mk(worB, 'refused', lastMonth);
    await request(t.app).patch(`/v1/review-actions/${refused}`).set(wor()).send({ status: 'not_accepted' });
    const herOverdue = await mk(herA, 'hereford', lastMonth, her());

    const res = await request(t.app).get('/v1/actions?overdue=true').set(wor());
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([overdueOld, overdueNew]);
    expect(res.body.items.every((i: { overdue: boolean }) => i.overdue)).toBe(true);
    expect(res.body.nextCursor).toBeNull();

    const herRes = await request(t.app).get('/v1/actions?overdue=true').set(her());
    expect(herRes.body.items.map((i: { id: string }) => i.id)).toEqual([herOverdue]);

    const chairOfBoth = await request(t.app).get(`/v1/actions?overdue=true&panelId=${w.panels.her.id}`).set(both());
    expect(chairOfBoth.body.items.map((i: { id: string }) => i.id)).toEqual([herOverdue]);
    const notOverdue = await request(t.app).get('/v1/actions?overdue=false').set(wor());
    expect(notOverdue.body.items.map((i: { id: string }) => i.id)).toContain(dueToday);
    expect(notOverdue.body.items).toHaveLength(4);
    const done = await request(t.app).get('/v1/actions?status=done').set(wor());
    expect(done.body.items.map((i: { id: string }) => i.id)).toEqual([finished]);
  });

  it('when there are more actions than the limit, then pages follow the cursor without gaps or repeats, those without a due date last', async () => {
    const caseId = await openCase(w.panels.wor.id);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await create(caseId, { description: `a${i}`, dueDate: i < 4 ? addDays(today(), 10 - i) : null })).body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: request.Response = await request(t.app)
        .get(`/v1/actions?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set(wor());
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i: { id: string }) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ids[3], ids[2], ids[1], ids[0], ids[4]]);
    const owned = await request(t.app).get(`/v1/actions?ownerAgencyId=${w.agencies.hospital}`).set(wor());
    expect(owned.body.items).toEqual([]);
  });
});

describe('closing a case', () => {
  it('when an action has no owner agency, then close is 409 listing it, the case stays reviewed; once it has one, the case closes', async () => {
    const caseId = await openCase(w.panels.wor.id, 'reviewed');
    const { body: a } = await create(caseId, { description: 'Decide who leads.' });
    const refused = await request(t.app).post(`/v1/cases/${caseId}/actions`).set(wor()).send({ action: 'close' });
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body)).toContain('REVIEW.ACTION_WITHOUT_OWNER');
    expect(JSON.stringify(refused.body)).toContain(a.id);
    expect((await request(t.app).get(`/v1/cases/${caseId}`).set(wor())).body.status).toBe('reviewed');
    await request(t.app).patch(`/v1/review-actions/${a.id}`).set(wor()).send({ ownerAgencyId: w.agencies.police });
    const closed = await request(t.app).post(`/v1/cases/${caseId}/actions`).set(wor()).send({ action: 'close' });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('closed');
  });
});
