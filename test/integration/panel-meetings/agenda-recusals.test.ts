import request from 'supertest';
import { inTransaction } from '../../../src/platform/db/transaction';
import { isRecused, markAgendaItemReviewed, signOffContext } from '../../../src/modules/panel-meetings';
import { startTestApp, type TestApp } from '../../support/app';
import { caseFingerprint, insertCase, seedCaseWorld, type CaseWorld } from '../../support/cases';
import { auditActions, scheduleMeeting, seedPerson, type PanelPerson } from '../../support/meetings';

// Who may do what with the agenda, recusals and Child Death Review Meetings:
// - the agenda: CDOP coordinators of the meeting's panel (meetings:write); members and chairs 403; another panel 404;
// - recusals: a panel member or chair declares their own; a coordinator records one for a named member (reviews:write);
//   the case's panel reads them (reviews:read); another panel 404; a member naming someone else 403;
// - review meetings: the case's coordinators, chairs and members record and read them; another panel 404;
// - agency staff, auditors: 403 (no meetings or reviews permission); anonymous 401.

let t: TestApp;
let w: CaseWorld;
let coordinator: PanelPerson;
let chair: PanelPerson;
let police: PanelPerson;
let otherCoordinator: PanelPerson;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  w = await seedCaseWorld(t.ds);
  const wor = [w.panels.wor.id];
  coordinator = await seedPerson(t.ds, 'cdop_coordinator', wor, 'Casey Coordinator');
  chair = await seedPerson(t.ds, 'panel_chair', wor, 'Dr Jo Chair');
  police = await seedPerson(t.ds, 'panel_member', wor, 'DS Sam Police');
  otherCoordinator = await seedPerson(t.ds, 'cdop_coordinator', [w.panels.her.id], 'Hera Coordinator');
});

const ready = () => insertCase(t.ds, { panelId: w.panels.wor.id, notifierAgencyId: w.agencies.hospital, status: 'ready_for_panel' });
const statusOf = async (caseId: string) => (await t.ds.query(`SELECT status FROM cases WHERE id = $1`, [caseId]))[0].status as string;
const addToAgenda = (meetingId: string, caseId: string, who = coordinator) =>
  request(t.app).post(`/v1/panel-meetings/${meetingId}/agenda`).set(who.headers).send({ caseId });

describe('the agenda', () => {
  it('when a case ready for panel is added, then it is scheduled for panel with the meeting in its history, on the agenda, audited', async () => {
    const m = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    const c = await ready();
    const res = await addToAgenda(m.id, c.id);
    expect(res.status).toBe(201);
    expect(res.body.agenda).toEqual([{ caseId: c.id, caseReference: c.reference, status: 'scheduled', addedAt: expect.any(String) }]);
    expect(await statusOf(c.id)).toBe('scheduled_for_panel');
    const [step] = await t.ds.query(
      `SELECT action, payload FROM case_actions WHERE case_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT 1`,
      [c.id],
    );
    expect(step).toMatchObject({ action: 'schedule_for_panel', payload: expect.objectContaining({ meetingId: m.id }) });
    expect(await auditActions(t.ds, m.id)).toEqual(['panel_meeting.schedule', 'panel_meeting.agenda.add']);
  });

  it('when the case is not ready for panel, then 409 and nothing is written (the case unchanged)', async () => {
    const m = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    const c = await insertCase(t.ds, { panelId: w.panels.wor.id, notifierAgencyId: w.agencies.hospital, status: 'gathering_information' });
    const before = await caseFingerprint(t.ds, c.id);
    const res = await addToAgenda(m.id, c.id);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'AGENDA.CASE_NOT_READY', caseStatus: 'gathering_information' });
    expect(await caseFingerprint(t.ds, c.id)).toBe(before);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM panel_meeting_agenda_items`))[0].n).toBe(0);
  });

  it('when the case is on the agenda of another meeting already, then 409', async () => {
    const a = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    const b = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    const c = await ready();
    expect((await addToAgenda(a.id, c.id)).status).toBe(201);
    expect((await addToAgenda(b.id, c.id)).status).toBe(409);
  });

  it('when another panel’s case or meeting is named, then 404; a panel member, then 403', async () => {
    const m = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    const herCase = await insertCase(t.ds, { panelId: w.panels.her.id, notifierAgencyId: w.agencies.hospital, status: 'ready_for_panel' });
    expect((await addToAgenda(m.id, herCase.id)).status).toBe(404);
    const c = await ready();
    expect((await addToAgenda(m.id, c.id, otherCoordinator)).status).toBe(404);
    expect((await addToAgenda(m.id, c.id, police)).status).toBe(403);
    expect(await statusOf(c.id)).toBe('ready_for_panel');
  });

  it('when a cancelled meeting is named, then 409 and the case stays ready for panel', async () => {
    const m = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    await request(t.app).post(`/v1/panel-meetings/${m.id}/cancel`).set(coordinator.headers).send({ reason: 'Chair unavailable' });
    const c = await ready();
    const res = await addToAgenda(m.id, c.id);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('MEETING.CANCELLED');
    expect(await statusOf(c.id)).toBe('ready_for_panel');
  });

  it('when a case is taken off, then it is ready for panel again with the reason in its history; taking it off twice is 404', async () => {
    const m = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    const c = await ready();
    await addToAgenda(m.id, c.id);
    const res = await request(t.app)
      .delete(`/v1/panel-meetings/${m.id}/agenda/${c.id}`)
      .set(coordinator.headers)
      .send({ reason: 'Awaiting inquest' });
    expect(res.status).toBe(200);
    expect(res.body.agenda).toEqual([]);
    expect(await statusOf(c.id)).toBe('ready_for_panel');
    const [step] = await t.ds.query(
      `SELECT action, payload FROM case_actions WHERE case_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT 1`,
      [c.id],
    );
    expect(step.action).toBe('unschedule');
    const again = await request(t.app).delete(`/v1/panel-meetings/${m.id}/agenda/${c.id}`).set(coordinator.headers);
    expect(again.status).toBe(404);
    expect(await auditActions(t.ds, m.id)).toContain('panel_meeting.agenda.remove');
  });

  it('when a meeting is cancelled, then its cases not yet reviewed go back to ready for panel', async () => {
    const m = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    const c1 = await ready();
    const c2 = await ready();
    await addToAgenda(m.id, c1.id);
    await addToAgenda(m.id, c2.id);
    const res = await request(t.app)
      .post(`/v1/panel-meetings/${m.id}/cancel`)
      .set(coordinator.headers)
      .send({ reason: 'Chair unavailable' });
    expect(res.status).toBe(200);
    expect(res.body.agenda).toEqual([]);
    expect([await statusOf(c1.id), await statusOf(c2.id)]).toEqual(['ready_for_panel', 'ready_for_panel']);
  });
});

describe('recusals', () => {
  const declare = (caseId: string, who: PanelPerson, body: object) =>
    request(t.app).post(`/v1/cases/${caseId}/recusals`).set(who.headers).send(body);

  it('when a member declares their own conflict, then it is listed, audited without the reason, and they are recused', async () => {
    const c = await ready();
    const res = await declare(c.id, police, { reason: 'I knew the family personally.' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      caseId: c.id,
      userId: police.id,
      displayName: 'DS Sam Police',
      reason: 'I knew the family personally.',
    });
    const [event] = await t.ds.query(`SELECT details FROM audit_events WHERE action = 'case.recusal.declared' AND resource_id = $1`, [
      c.id,
    ]);
    expect(event.details).toEqual({ recusalId: res.body.id, userId: police.id, own: true });
    expect(JSON.stringify(event.details)).not.toContain('family');
    const asChair = await request(t.app).get(`/v1/cases/${c.id}/recusals`).set(chair.headers);
    expect(asChair.status).toBe(200);
    expect(asChair.body.items).toEqual([expect.objectContaining({ userId: police.id, reason: null })]);
    const asCoordinator = await request(t.app).get(`/v1/cases/${c.id}/recusals`).set(coordinator.headers);
    expect(asCoordinator.body.items[0].reason).toBe('I knew the family personally.');
    expect(await inTransaction(t.ds, (tx) => isRecused(tx, c.id, police.id))).toBe(true);
    expect(await inTransaction(t.ds, (tx) => isRecused(tx, c.id, chair.id))).toBe(false);
    expect((await declare(c.id, police, { reason: 'Again' })).status).toBe(409);
  });

  it('when a coordinator records one for a named member, then 201; a member naming someone else, then 403; someone off the panel, then 400', async () => {
    const c = await ready();
    expect((await declare(c.id, coordinator, { userId: chair.id, reason: 'Treated the child.' })).status).toBe(201);
    const byMember = await declare(c.id, police, { userId: chair.id, reason: 'Treated the child.' });
    expect(byMember.status).toBe(403);
    const offPanel = await declare(c.id, coordinator, { userId: otherCoordinator.id, reason: 'x' });
    expect(offPanel.status).toBe(400);
    expect(offPanel.body.errors[0].field).toBe('body.userId');
  });

  it('when another panel’s case is named, then 404; a recusal row cannot be changed or deleted', async () => {
    const herCase = await insertCase(t.ds, { panelId: w.panels.her.id, notifierAgencyId: w.agencies.hospital });
    expect((await declare(herCase.id, police, { reason: 'x' })).status).toBe(404);
    expect((await request(t.app).get(`/v1/cases/${herCase.id}/recusals`).set(police.headers)).status).toBe(404);
    const c = await ready();
    await declare(c.id, police, { reason: 'Personal connection.' });
    await expect(t.ds.query(`DELETE FROM case_recusals`)).rejects.toThrow(/permanent/);
  });

  it('when a present member is recused, then the sign-off context leaves them out of that case’s quorum', async () => {
    await request(t.app)
      .put(`/v1/panels/${w.panels.wor.id}/quorum`)
      .set(coordinator.headers)
      .send({ chairRequired: true, capacities: { police: 1 }, minimumPresent: 2 });
    const m = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
    const c = await ready();
    const other = await ready();
    await addToAgenda(m.id, c.id);
    for (const [who, capacity] of [
      [chair, 'chair'],
      [police, 'police'],
    ] as const) {
      await request(t.app).post(`/v1/panel-meetings/${m.id}/members`).set(coordinator.headers).send({ userId: who.id, capacity });
      await request(t.app)
        .put(`/v1/panel-meetings/${m.id}/members/${who.id}/attendance`)
        .set(coordinator.headers)
        .send({ attended: 'present' });
    }
    await declare(c.id, police, { reason: 'Personal connection.' });
    const ctx = await inTransaction(t.ds, (tx) => signOffContext(tx, m.id, c.id));
    expect(ctx).toMatchObject({ meetingId: m.id, panelId: w.panels.wor.id, status: 'held', caseOnAgenda: true });
    expect(ctx!.quorum).toEqual({ met: false, missing: ['a member for police', 'at least 2 members present (1 is)'] });
    expect(ctx!.present).toHaveLength(2);
    const otherCtx = await inTransaction(t.ds, (tx) => signOffContext(tx, m.id, other.id));
    expect(otherCtx).toMatchObject({ caseOnAgenda: false, quorum: { met: true, missing: [] } });
    await inTransaction(t.ds, (tx) => markAgendaItemReviewed(tx, m.id, c.id));
    const view = await request(t.app).get(`/v1/panel-meetings/${m.id}`).set(chair.headers);
    expect(view.body.agenda).toEqual([expect.objectContaining({ caseId: c.id, status: 'reviewed' })]);
    expect(await inTransaction(t.ds, (tx) => signOffContext(tx, '00000000-0000-4000-8000-000000000000', c.id))).toBeUndefined();
  });
});

describe('Child Death Review Meetings', () => {
  const body = () => ({
    heldOn: '2026-01-10',
    attendees: [
      { agencyId: w.agencies.hospital, role: 'Consultant paediatrician' },
      { agencyId: w.agencies.police, role: 'Detective sergeant' },
    ],
    postMortemReport: 'awaited',
    draftAnalysis: {
      summary: 'Sudden unexpected death in infancy.',
      proposedCategory: 10,
      modifiableFactors: 'yes',
      learning: 'Safer sleep advice.',
    },
  });

  it('when a member records one, then 201, listed, audited, and the case status is left alone', async () => {
    const c = await insertCase(t.ds, { panelId: w.panels.wor.id, notifierAgencyId: w.agencies.hospital, status: 'gathering_information' });
    const res = await request(t.app).post(`/v1/cases/${c.id}/review-meetings`).set(police.headers).send(body());
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      caseId: c.id,
      heldOn: '2026-01-10',
      postMortemReport: 'awaited',
      draftAnalysis: { proposedCategory: 10 },
    });
    const list = await request(t.app).get(`/v1/cases/${c.id}/review-meetings`).set(coordinator.headers);
    expect(list.body.items).toEqual([res.body]);
    expect(await statusOf(c.id)).toBe('gathering_information');
    expect(await auditActions(t.ds, c.id)).toEqual(expect.arrayContaining(['case.review_meeting.record', 'case.review_meeting.list']));
  });

  it('when an agency is unknown or the date is in the future, then 400 naming the field; another panel’s case 404', async () => {
    const c = await ready();
    const unknown = await request(t.app)
      .post(`/v1/cases/${c.id}/review-meetings`)
      .set(coordinator.headers)
      .send({ ...body(), attendees: [{ agencyId: '00000000-0000-4000-8000-000000000000', role: 'GP' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].field).toBe('body.attendees.0.agencyId');
    const future = await request(t.app)
      .post(`/v1/cases/${c.id}/review-meetings`)
      .set(coordinator.headers)
      .send({ ...body(), heldOn: '2999-01-01' });
    expect(future.status).toBe(400);
    const herCase = await insertCase(t.ds, { panelId: w.panels.her.id, notifierAgencyId: w.agencies.hospital });
    expect((await request(t.app).post(`/v1/cases/${herCase.id}/review-meetings`).set(coordinator.headers).send(body())).status).toBe(404);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM case_review_meetings`))[0].n).toBe(0);
  });
});
