import request from 'supertest';
import { seedNationalTemplates } from '../../../src/modules/agency-forms';
import { startTestApp, type TestApp } from '../../support/app';
import { insertCase } from '../../support/cases';
import { seedPerson, type PanelPerson } from '../../support/meetings';
import { notification, seedDirectory, type Directory } from '../../support/notifications';
import { as, principal } from '../../support/principals';
import { reportingAnswers } from '../../support/scr';

// SCR triggers through HTTP (issue 14): the rules run in the transaction of every change that can affect them
// (a notification, a form submission, the panel's analysis, a correction), raise one flag per case and rule with its
// evidence as locations and its statutory clocks, and never twice for the same evidence; the chair alone dismisses;
// a case with an undecided flag cannot close. Who may do what is checked on each endpoint.

let t: TestApp;
let dir: Directory;
let coordinator: PanelPerson;
let chair: PanelPerson;
let member: PanelPerson;
let otherCoordinator: PanelPerson;
let seq = 0;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  dir = await seedDirectory(t.ds);
  await seedNationalTemplates(t.ds);
  coordinator = await seedPerson(t.ds, 'cdop_coordinator', [dir.panelId]);
  chair = await seedPerson(t.ds, 'panel_chair', [dir.panelId]);
  member = await seedPerson(t.ds, 'panel_member', [dir.panelId]);
  const [other] = await t.ds.query(`INSERT INTO panels (code, name) VALUES ('HER', 'Herefordshire CDOP') RETURNING id`);
  otherCoordinator = await seedPerson(t.ds, 'cdop_coordinator', [other.id]);
});

const hospitalSystem = () => as(principal('hospital_system', { agencyId: dir.hospitalId }));
const agencyUser = (agencyId: string) => as(principal('agency_contributor', { agencyId }));

async function notify(death: Record<string, unknown> = {}): Promise<string> {
  const body = notification(dir, { nhsNumber: null, givenName: `Child${++seq}`, dateOfBirth: '2020-01-0' + ((seq % 9) + 1) });
  Object.assign(body.death, death);
  const res = await request(t.app).post('/v1/notifications').set(hospitalSystem()).set('Idempotency-Key', `scr-triggers-${seq}`).send(body);
  expect([res.status, res.body.errors]).toEqual([201, undefined]);
  return res.body.caseId as string;
}

async function submitReporting(caseId: string, agencyId: string, concerns: Record<string, Record<string, unknown>>) {
  const asked = await request(t.app)
    .post(`/v1/cases/${caseId}/form-requests`)
    .set(coordinator.headers)
    .send({ agencyId, templateId: 'reporting' });
  expect(asked.status).toBe(201);
  const submitted = await request(t.app)
    .post(`/v1/form-requests/${asked.body.id}/submit`)
    .set(agencyUser(agencyId))
    .send({ templateVersion: 1, answers: reportingAnswers(concerns) });
  expect(submitted.status).toBe(201);
  return asked.body.id as string;
}

async function flagsOf(caseId: string, who = coordinator.headers) {
  const res = await request(t.app).get('/v1/flags').query({ caseId }).set(who);
  expect(res.status).toBe(200);
  return res.body.items as { id: string; ruleId: string; status: string; [k: string]: unknown }[];
}

const flagRows = async () => (await t.ds.query(`SELECT count(*)::int AS n FROM safeguarding_flags`))[0].n as number;

describe('rules in the transaction of each change', () => {
  it('when a case waits in the unassigned queue, then its flag is raised under the current regime and the administrators routing the queue see it', async () => {
    const body = notification(dir, { nhsNumber: null, givenName: 'Queued', localAuthority: 'E06000019' });
    Object.assign(body.death, { placeOfDeath: { type: 'secure_childrens_home' } });
    const res = await request(t.app)
      .post('/v1/notifications')
      .set(hospitalSystem())
      .set('Idempotency-Key', 'scr-triggers-queue')
      .send(body);
    expect([res.status, res.body.caseReference]).toEqual([201, null]);
    const admin = as(principal('administrator'));
    const seen = await request(t.app).get('/v1/flags').set(admin);
    expect(
      seen.body.items.map((f: { ruleId: string; regime: string; panelId: string | null }) => [f.ruleId, f.regime, f.panelId]).sort(),
    ).toEqual([
      ['regulated_setting_death', '2018', null],
      ['statutory_death_notification', '2018', null],
    ]);
    expect(seen.body.items[0].allowedActions).toEqual([]);
    expect((await request(t.app).get('/v1/flags').set(coordinator.headers)).body.items).toEqual([]);
  });

  it('when a notification says the child died in a children’s home, then the same request raises a statutory notification flag with its clock', async () => {
    const caseId = await notify({ placeOfDeath: { type: 'childrens_home' } });
    const [flag, ...rest] = await flagsOf(caseId);
    expect(rest).toEqual([]);
    expect(flag).toMatchObject({
      ruleId: 'regulated_setting_death',
      ruleVersion: 1,
      regime: '2018',
      kind: 'statutory_notification',
      status: 'open',
      raisedByChange: 'notification_recorded',
      evidence: [{ source: 'notification', field: '/death/placeOfDeath/type', answer: 'childrens_home' }],
      allowedActions: ['acknowledge', 'refer', 'correct_awareness', 'record_notification'],
    });
    expect((flag as unknown as { clocks: { clockId: string; workingDays: number; status: string }[] }).clocks).toEqual([
      expect.objectContaining({ clockId: 'regulated_setting_death_to_ofsted', workingDays: 5, status: 'pending' }),
    ]);
    // The case's own view lists it in short, for whoever sees the case.
    const kase = await request(t.app).get(`/v1/cases/${caseId}`).set(member.headers);
    expect(kase.body.safeguardingFlags).toEqual([
      { id: flag!.id, ruleId: 'regulated_setting_death', kind: 'statutory_notification', status: 'open', overdue: false },
    ]);
  });

  it('when an agency submits a form suspecting abuse, then the flag names that form’s field; an amendment with the same answer raises nothing new', async () => {
    const caseId = await notify();
    expect(await flagsOf(caseId)).toEqual([]);
    const requestId = await submitReporting(caseId, dir.policeId, { safeguarding: { abuseOrNeglectSuspected: 'yes' } });
    const flags = await flagsOf(caseId);
    expect(flags.map((f) => f.ruleId)).toEqual(['abuse_or_neglect_death']);
    expect(flags[0]).toMatchObject({
      kind: 'safeguarding_review',
      raisedByChange: 'form_submitted',
      evidence: [
        { source: 'form', recordId: requestId, templateId: 'reporting', field: '/safeguarding/abuseOrNeglectSuspected', answer: 'yes' },
      ],
    });
    const amended = await request(t.app)
      .post(`/v1/form-requests/${requestId}/submit`)
      .set(agencyUser(dir.policeId))
      .send({
        templateVersion: 1,
        amendmentReason: 'Corrected the household.',
        answers: reportingAnswers({ safeguarding: { abuseOrNeglectSuspected: 'yes' } }),
      });
    expect(amended.status).toBe(201);
    expect(await flagRows()).toBe(1);
    // A second agency with the same suspicion adds its evidence to the live flag.
    await submitReporting(caseId, dir.gpId, { safeguarding: { abuseOrNeglectSuspected: 'yes' } });
    const [one] = await flagsOf(caseId);
    expect((one!.evidence as unknown[]).length).toBe(2);
    expect(await flagRows()).toBe(1);
  });

  it('when the panel’s draft analysis says the criteria are met, then the flag is raised by the analysis', async () => {
    const caseId = await notify();
    const draft = await request(t.app).put(`/v1/cases/${caseId}/review`).set(member.headers).send({ safeguardingReviewCriteriaMet: 'yes' });
    expect(draft.status).toBe(200);
    const flags = await flagsOf(caseId, member.headers);
    expect(flags.map((f) => [f.ruleId, f.raisedByChange])).toEqual([['abuse_or_neglect_death', 'review_updated']]);
    expect(flags[0]!.allowedActions).toEqual([]);
  });

  it('when a coordinator corrects the category to 1, then the correction raises the flag; "not known" answers raise none', async () => {
    const caseId = await notify();
    await submitReporting(caseId, dir.policeId, { safeguarding: { abuseOrNeglectSuspected: 'not_known', lookedAfter: 'not_known' } });
    expect(await flagsOf(caseId)).toEqual([]);
    const c = await request(t.app).get(`/v1/cases/${caseId}`).set(coordinator.headers);
    const patched = await request(t.app)
      .patch(`/v1/cases/${caseId}`)
      .set(coordinator.headers)
      .set('If-Match', String(c.headers.etag))
      .send({ category: 1 });
    expect(patched.status).toBe(200);
    expect((await flagsOf(caseId)).map((f) => [f.ruleId, f.raisedByChange])).toEqual([['abuse_or_neglect_death', 'case_corrected']]);
  });

  it('when the panel follows the 2015 regime, then a looked-after child’s death is a notifiable incident for Ofsted', async () => {
    const put = await request(t.app)
      .put(`/v1/panels/${dir.panelId}/safeguarding-settings`)
      .set(coordinator.headers)
      .send({ regime: '2015' });
    expect([put.status, put.body.regime, put.body.isDefault]).toEqual([200, '2015', false]);
    const caseId = await notify();
    await submitReporting(caseId, dir.policeId, { safeguarding: { lookedAfter: 'current' } });
    const [flag] = await flagsOf(caseId);
    expect(flag).toMatchObject({ ruleId: 'statutory_death_notification', regime: '2015', kind: 'statutory_notification' });
    expect((flag!.clocks as { clockId: string }[]).map((k) => k.clockId)).toEqual(['ofsted_notifiable_incident']);
  });
});

describe('decisions on a flag', () => {
  async function flaggedCase() {
    const caseId = await notify();
    await submitReporting(caseId, dir.policeId, { safeguarding: { abuseOrNeglectSuspected: 'yes' } });
    const [flag] = await flagsOf(caseId);
    return { caseId, flagId: flag!.id };
  }

  it('when the chair dismisses with a reason, then clocks stop, re-running raises nothing for the same evidence, and new evidence raises a new flag', async () => {
    const { caseId, flagId } = await flaggedCase();
    const byCoordinator = await request(t.app).post(`/v1/flags/${flagId}/dismiss`).set(coordinator.headers).send({ reason: 'No.' });
    expect([byCoordinator.status, byCoordinator.body.code]).toEqual([403, 'AUTH.FORBIDDEN']);
    const blank = await request(t.app).post(`/v1/flags/${flagId}/dismiss`).set(chair.headers).send({ reason: '   ' });
    expect([blank.status, blank.body.errors?.[0]?.field]).toEqual([400, 'body.reason']);
    const dismissed = await request(t.app)
      .post(`/v1/flags/${flagId}/dismiss`)
      .set(chair.headers)
      .send({ reason: 'The police answered in error; no abuse suspected.' });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body).toMatchObject({ status: 'dismissed', allowedActions: [] });
    expect(dismissed.body.clocks.map((k: { status: string }) => k.status)).toEqual(['stopped']);
    expect(dismissed.body.history.map((e: { action: string }) => e.action)).toEqual(['raised', 'dismissed']);
    expect(dismissed.body.history[1].reason).toMatch(/answered in error/);
    // A member sees that it was dismissed, not why.
    const asMember = await request(t.app).get(`/v1/flags/${flagId}`).set(member.headers);
    expect(asMember.body.history[1].reason).toBeUndefined();
    // The same evidence again (the case corrected, rules re-run): nothing new.
    const c = await request(t.app).get(`/v1/cases/${caseId}`).set(coordinator.headers);
    await request(t.app)
      .patch(`/v1/cases/${caseId}`)
      .set(coordinator.headers)
      .set('If-Match', String(c.headers.etag))
      .send({ expectedDeath: 'unexpected' });
    expect(await flagRows()).toBe(1);
    // Another agency's suspicion is new evidence.
    await submitReporting(caseId, dir.gpId, { parenting: { neglectConcerns: 'yes' } });
    const flags = await flagsOf(caseId);
    expect(flags.map((f) => f.status).sort()).toEqual(['dismissed', 'open']);
    const audit = await t.ds.query(`SELECT details FROM audit_events WHERE action = 'safeguarding_flag.dismissed'`);
    expect(JSON.stringify(audit)).not.toContain('error');
  });

  it('when the flag is undecided, then the case cannot close; acknowledging does not change that', async () => {
    const { caseId, flagId } = await flaggedCase();
    const ack = await request(t.app).post(`/v1/flags/${flagId}/acknowledge`).set(coordinator.headers).send({});
    expect([ack.status, ack.body.status]).toEqual([200, 'acknowledged']);
    const again = await request(t.app).post(`/v1/flags/${flagId}/acknowledge`).set(coordinator.headers).send({});
    expect([again.status, again.body.code, again.body.allowedActions]).toEqual([
      409,
      'SCR.FLAG_ACTION_NOT_ALLOWED',
      ['refer', 'correct_awareness', 'record_notification'],
    ]);
    const close = await request(t.app).post(`/v1/cases/${caseId}/actions`).set(coordinator.headers).send({ action: 'close' });
    expect(close.status).toBe(409);
    // Closing from `notified` is refused by the workflow first; the port is what a reviewed case meets.
    expect(['CASE.ACTION_NOT_ALLOWED', 'CASE.CLOSURE_BLOCKED']).toContain(close.body.code);
  });

  it('when a reviewed case has an undecided flag, then close is refused naming it; once referred, the case closes', async () => {
    const c = await insertCase(t.ds, { panelId: dir.panelId, notifierAgencyId: dir.hospitalId, status: 'reviewed', category: 5 });
    const kase = await request(t.app).get(`/v1/cases/${c.id}`).set(coordinator.headers);
    const patched = await request(t.app)
      .patch(`/v1/cases/${c.id}`)
      .set(coordinator.headers)
      .set('If-Match', String(kase.headers.etag))
      .send({ category: 1 });
    expect(patched.status).toBe(200);
    const [flag] = await flagsOf(c.id);
    const refused = await request(t.app).post(`/v1/cases/${c.id}/actions`).set(coordinator.headers).send({ action: 'close' });
    expect([refused.status, refused.body.code]).toEqual([409, 'CASE.CLOSURE_BLOCKED']);
    expect(refused.body.blockers).toEqual([{ code: 'SCR.FLAG_UNDECIDED', detail: expect.stringContaining(flag!.id) }]);
    expect((await request(t.app).get(`/v1/cases/${c.id}`).set(coordinator.headers)).body.status).toBe('reviewed');
    const referred = await request(t.app).post(`/v1/flags/${flag!.id}/refer`).set(coordinator.headers).send({});
    expect(referred.status).toBe(200);
    const closed = await request(t.app).post(`/v1/cases/${c.id}/actions`).set(coordinator.headers).send({ action: 'close' });
    expect([closed.status, closed.body.status]).toEqual([200, 'closed']);
  });

  it('when the awareness date is corrected, then the running clocks move and the flag can be overdue; a notification sent meets the clock late', async () => {
    const { flagId } = await flaggedCase();
    const future = await request(t.app)
      .put(`/v1/flags/${flagId}/awareness`)
      .set(coordinator.headers)
      .send({ awareOn: '2999-01-01', reason: 'Typo' });
    expect([future.status, future.body.errors?.[0]?.field]).toEqual([400, 'body.awareOn']);
    const corrected = await request(t.app)
      .put(`/v1/flags/${flagId}/awareness`)
      .set(coordinator.headers)
      .send({ awareOn: '2026-10-01', reason: 'Strategy discussion with the police on 1 October.' });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ awareOn: '2026-10-01', awareCorrected: true, overdue: true });
    expect(corrected.body.clocks[0]).toMatchObject({ dueOn: '2026-10-08', status: 'overdue' });
    const overdue = await request(t.app).get('/v1/flags').query({ overdue: true }).set(coordinator.headers);
    expect(overdue.body.items.map((f: { id: string }) => f.id)).toEqual([flagId]);
    const early = await request(t.app).post(`/v1/flags/${flagId}/notifications`).set(coordinator.headers).send({ sentOn: '2026-09-30' });
    expect([early.status, early.body.errors?.[0]?.field]).toEqual([400, 'body.sentOn']);
    const unknown = await request(t.app)
      .post(`/v1/flags/${flagId}/notifications`)
      .set(coordinator.headers)
      .send({ sentOn: '2026-10-09', clockIds: ['rapid_review'] });
    expect([unknown.status, unknown.body.errors?.[0]?.field]).toEqual([400, 'body.clockIds[0]']);
    const sent = await request(t.app).post(`/v1/flags/${flagId}/notifications`).set(coordinator.headers).send({ sentOn: '2026-10-09' });
    expect(sent.status).toBe(200);
    expect(sent.body.clocks[0]).toMatchObject({ status: 'met_late', metOn: '2026-10-09', overdue: false });
    expect(sent.body.history.map((e: { action: string }) => e.action)).toEqual(['raised', 'awareness_corrected', 'notification_recorded']);
    const none = await request(t.app).get('/v1/flags').query({ overdue: true }).set(coordinator.headers);
    expect(none.body.items).toEqual([]);
  });

  it('when callers without the right role or panel try, then they are refused and nothing is written', async () => {
    const { flagId } = await flaggedCase();
    const before = await t.ds.query(`SELECT status, version FROM safeguarding_flags`);
    const memberAck = await request(t.app).post(`/v1/flags/${flagId}/acknowledge`).set(member.headers).send({});
    expect(memberAck.status).toBe(403);
    const chairAck = await request(t.app).post(`/v1/flags/${flagId}/acknowledge`).set(chair.headers).send({});
    expect(chairAck.status).toBe(403);
    const memberAwareness = await request(t.app)
      .put(`/v1/flags/${flagId}/awareness`)
      .set(member.headers)
      .send({ awareOn: '2026-10-01', reason: 'Earlier.' });
    expect(memberAwareness.status).toBe(403);
    const chairSent = await request(t.app).post(`/v1/flags/${flagId}/notifications`).set(chair.headers).send({ sentOn: '2026-10-01' });
    expect(chairSent.status).toBe(403);
    const memberRefer = await request(t.app).post(`/v1/flags/${flagId}/refer`).set(member.headers).send({});
    expect(memberRefer.status).toBe(403);
    const agencyList = await request(t.app).get('/v1/flags').set(agencyUser(dir.policeId));
    expect(agencyList.status).toBe(403);
    const elsewhere = await request(t.app).get(`/v1/flags/${flagId}`).set(otherCoordinator.headers);
    expect([elsewhere.status, elsewhere.body.code]).toEqual([404, 'SCR.FLAG_NOT_FOUND']);
    const elsewhereAck = await request(t.app).post(`/v1/flags/${flagId}/acknowledge`).set(otherCoordinator.headers).send({});
    expect(elsewhereAck.status).toBe(404);
    expect((await request(t.app).get('/v1/flags').set(otherCoordinator.headers)).body.items).toEqual([]);
    const otherSettings = await request(t.app).get(`/v1/panels/${dir.panelId}/safeguarding-settings`).set(otherCoordinator.headers);
    expect(otherSettings.status).toBe(404);
    const memberSettings = await request(t.app)
      .put(`/v1/panels/${dir.panelId}/safeguarding-settings`)
      .set(member.headers)
      .send({ regime: '2015' });
    expect(memberSettings.status).toBe(403);
    expect(await t.ds.query(`SELECT status, version FROM safeguarding_flags`)).toEqual(before);
    const denied = await t.ds.query(`SELECT count(*)::int AS n FROM audit_events WHERE outcome IN ('denied', 'failure')`);
    expect(denied[0].n).toBeGreaterThanOrEqual(5);
  });

  it('when a coordinator refers the flag, then a safeguarding review opens under its regime, the flag is referred and no longer holds the case', async () => {
    const { caseId, flagId } = await flaggedCase();
    const byChair = await request(t.app).post(`/v1/flags/${flagId}/refer`).set(chair.headers).send({});
    expect(byChair.status).toBe(403);
    const referred = await request(t.app)
      .post(`/v1/flags/${flagId}/refer`)
      .set(coordinator.headers)
      .send({ reason: 'Partners agree the criteria are met.' });
    expect([referred.status, referred.body.errors]).toEqual([200, undefined]);
    expect(referred.body).toMatchObject({ status: 'referred', allowedActions: ['correct_awareness', 'record_notification'] });
    const reviewId: string = referred.body.reviewId;
    const review = await request(t.app).get(`/v1/reviews/${reviewId}`).set(coordinator.headers);
    expect(review.status).toBe(200);
    expect(review.body).toMatchObject({ caseId, regime: '2018' });
    expect(JSON.stringify(review.body)).toContain(flagId);
    const twice = await request(t.app).post(`/v1/flags/${flagId}/refer`).set(coordinator.headers).send({});
    expect([twice.status, twice.body.code]).toEqual([409, 'SCR.FLAG_ACTION_NOT_ALLOWED']);
    const dismiss = await request(t.app).post(`/v1/flags/${flagId}/dismiss`).set(chair.headers).send({ reason: 'Too late.' });
    expect(dismiss.status).toBe(409);
    const referredList = await request(t.app).get('/v1/flags').query({ status: 'referred' }).set(chair.headers);
    expect(referredList.body.items.map((f: { id: string }) => f.id)).toEqual([flagId]);
  });

  it('when the case is transferred to another panel, then its flags go with it', async () => {
    const { caseId, flagId } = await flaggedCase();
    const [other] = await t.ds.query(`SELECT id FROM panels WHERE code = 'HER'`);
    const moved = await request(t.app)
      .post(`/v1/cases/${caseId}/transfer`)
      .set(coordinator.headers)
      .send({ panelId: other.id, reason: 'The child lived in Herefordshire.' });
    expect(moved.status).toBe(201);
    expect((await request(t.app).get(`/v1/flags/${flagId}`).set(coordinator.headers)).status).toBe(404);
    const there = await request(t.app).get(`/v1/flags/${flagId}`).set(otherCoordinator.headers);
    expect([there.status, there.body.panelId, there.body.caseReference]).toEqual([200, other.id, moved.body.to.reference]);
  });

  it('when listing, then filters by kind, status and rule apply and pages follow the cursor', async () => {
    for (let i = 0; i < 3; i++) await flaggedCase();
    await notify({ placeOfDeath: { type: 'custody' } });
    const all = await request(t.app).get('/v1/flags').set(coordinator.headers);
    expect(all.body.items).toHaveLength(5);
    const kinds = await request(t.app).get('/v1/flags').query({ kind: 'statutory_notification' }).set(coordinator.headers);
    expect(kinds.body.items.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual([
      'regulated_setting_death',
      'statutory_death_notification',
    ]);
    const page1 = await request(t.app).get('/v1/flags').query({ limit: 2 }).set(coordinator.headers);
    const page2 = await request(t.app).get('/v1/flags').query({ limit: 2, cursor: page1.body.nextCursor }).set(coordinator.headers);
    expect([page2.status, page2.body.detail]).toEqual([200, undefined]);
    const page3 = await request(t.app).get('/v1/flags').query({ limit: 2, cursor: page2.body.nextCursor }).set(coordinator.headers);
    const ids = [...page1.body.items, ...page2.body.items, ...page3.body.items].map((f: { id: string }) => f.id);
    expect(new Set(ids).size).toBe(5);
    expect(page3.body.nextCursor).toBeNull();
    const bad = await request(t.app).get('/v1/flags').query({ cursor: 'nonsense' }).set(coordinator.headers);
    expect(bad.status).toBe(400);
    const byRule = await request(t.app).get('/v1/flags').query({ ruleId: 'abuse_or_neglect_death', status: 'open' }).set(chair.headers);
    expect(byRule.body.items).toHaveLength(3);
  });
});
