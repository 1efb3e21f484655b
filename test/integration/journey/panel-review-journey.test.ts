import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { COMPLETE_LOCAL_ANSWERS, LOCAL_TEMPLATE, publishLocalTemplate } from '../../support/forms';
import { scheduleMeeting, seedPerson, type PanelPerson } from '../../support/meetings';
import { notification, seedDirectory, type Directory } from '../../support/notifications';
import { as, principal } from '../../support/principals';

// The whole journey of one death through HTTP only (issue 13, acceptance): a hospital system notifies → the
// coordinator requests forms → the agencies submit → ready for panel → on a meeting's agenda (scheduled) → a panel
// member reads the anonymised pack → the panel writes its analysis, the family's question is answered → the chair
// signs off at a quorate meeting → the action gets an owner → the coordinator closes the case. The case history shows
// each step and who took it. Who may do each step is tested in each module's own files; here every caller is the
// one the service expects, and a few refusals on the way (a recused member, a sign-off without quorum, a non-chair,
// an unknown category) are checked to leave nothing written.

let t: TestApp;
let dir: Directory;
let coordinator: PanelPerson;
let chair: PanelPerson;
let police: PanelPerson;
let health: PanelPerson;
let recused: PanelPerson;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  dir = await seedDirectory(t.ds);
  await publishLocalTemplate(t.app);
  const panel = [dir.panelId];
  coordinator = await seedPerson(t.ds, 'cdop_coordinator', panel, 'Casey Coordinator');
  chair = await seedPerson(t.ds, 'panel_chair', panel, 'Dr Jo Chair');
  police = await seedPerson(t.ds, 'panel_member', panel, 'DS Sam Police');
  health = await seedPerson(t.ds, 'panel_member', panel, 'Dr Lee Health');
  recused = await seedPerson(t.ds, 'panel_member', panel, 'Alex Education');
});

const hospitalSystem = () => as(principal('hospital_system', { agencyId: dir.hospitalId }));
const gpUser = () => as(principal('agency_contributor', { agencyId: dir.gpId }));
const hospitalUser = () => as(principal('agency_contributor', { agencyId: dir.hospitalId }));

interface HistoryEntry {
  action: string;
  fromStatus: string | null;
  toStatus: string;
  actor: { type: string; id: string | null };
}

it('when a death goes from notification to closure through the API, then each step is in the case history with who took it, and refusals on the way change nothing', async () => {
  // 1. A hospital system notifies the death.
  const notified = await request(t.app)
    .post('/v1/notifications')
    .set(hospitalSystem())
    .set('Idempotency-Key', 'journey-1')
    .send(notification(dir, { givenName: 'Wilhelmina', familyName: 'Strand' }));
  expect(notified.status).toBe(201);
  const caseId: string = notified.body.caseId;
  const caseUrl = `/v1/cases/${caseId}`;
  const status = async () => (await request(t.app).get(caseUrl).set(coordinator.headers)).body.status as string;
  expect(await status()).toBe('notified');

  // 2. The coordinator asks the hospital and the GP for a form each.
  const requestIds: { agency: string; id: string }[] = [];
  for (const [agency, agencyId] of [
    ['hospital', dir.hospitalId],
    ['gp', dir.gpId],
  ] as const) {
    const asked = await request(t.app)
      .post(`${caseUrl}/form-requests`)
      .set(coordinator.headers)
      .send({ agencyId, templateId: LOCAL_TEMPLATE.id });
    expect(asked.status).toBe(201);
    requestIds.push({ agency, id: asked.body.id });
  }
  expect(await status()).toBe('gathering_information');
  // Not ready while forms are outstanding.
  const early = await request(t.app).post(`${caseUrl}/actions`).set(coordinator.headers).send({ action: 'mark_ready_for_panel' });
  expect([early.status, early.body.code]).toEqual([409, 'CASE.INFORMATION_OUTSTANDING']);

  // 3. Each agency submits its form.
  for (const { agency, id } of requestIds) {
    const submitted = await request(t.app)
      .post(`/v1/form-requests/${id}/submit`)
      .set(agency === 'hospital' ? hospitalUser() : gpUser())
      .send({ templateVersion: 1, answers: { ...COMPLETE_LOCAL_ANSWERS, notes: 'Wilhelmina was seen with her mother Sarah.' } });
    expect(submitted.status).toBe(201);
  }

  // 4. Ready for panel, then on the agenda of a meeting (scheduled).
  const ready = await request(t.app).post(`${caseUrl}/actions`).set(coordinator.headers).send({ action: 'mark_ready_for_panel' });
  expect([ready.status, ready.body.status]).toEqual([200, 'ready_for_panel']);
  const meeting = await scheduleMeeting(t.app, coordinator.headers, dir.panelId);
  const meetingUrl = `/v1/panel-meetings/${meeting.id}`;
  const added = await request(t.app).post(`${meetingUrl}/agenda`).set(coordinator.headers).send({ caseId });
  expect(added.status).toBe(201);
  expect(await status()).toBe('scheduled_for_panel');

  // A member declares a conflict of interest: recused, they lose the pack and the analysis.
  const declared = await request(t.app)
    .post(`${caseUrl}/recusals`)
    .set(recused.headers)
    .send({ reason: 'I taught the child’s older brother.' });
  expect(declared.status).toBe(201);
  const recusedPack = await request(t.app).get(`${caseUrl}/pack`).set(recused.headers);
  expect([recusedPack.status, recusedPack.body.code]).toEqual([403, 'REVIEW.RECUSED']);

  // 5. A panel member reads the anonymised pack: the forms are there, the child's identity is not.
  const pack = await request(t.app).get(`${caseUrl}/pack`).set(health.headers).set('Accept', 'application/json');
  expect(pack.status).toBe(200);
  const packText = JSON.stringify(pack.body);
  for (const identifying of ['Wilhelmina', 'Strand', 'Sarah', '943 476 5919', '9434765919', 'WR1 1AA', '2025-03-14', 'Foregate']) {
    expect(packText).not.toContain(identifying);
  }
  expect(packText).toContain('The child was seen with her mother.');

  // 6. The panel's analysis; an unknown category is refused and writes nothing.
  const unknown = await request(t.app)
    .put(`${caseUrl}/review`)
    .set(health.headers)
    .send({ categoriesConsidered: [11], modifiableFactors: 'yes' });
  expect(unknown.status).toBe(400);
  expect((await t.ds.query(`SELECT count(*)::int AS n FROM case_reviews WHERE case_id = $1`, [caseId]))[0].n).toBe(0);
  const recusedDraft = await request(t.app)
    .put(`${caseUrl}/review`)
    .set(recused.headers)
    .send({ categoriesConsidered: [10] });
  expect([recusedDraft.status, recusedDraft.body.code]).toEqual([403, 'REVIEW.RECUSED']);
  const draft = await request(t.app)
    .put(`${caseUrl}/review`)
    .set(health.headers)
    .send({
      categoriesConsidered: [10, 5],
      modifiableFactors: 'yes',
      factors: [{ domain: 'physical_environment', description: 'Put down to sleep on a sofa.', relevance: '2' }],
      learningPoints: ['Safer sleep advice at every health visitor contact.'],
      safeguardingReviewCriteriaMet: 'no',
    });
  expect(draft.status).toBe(200);
  expect(draft.body.category).toMatchObject({ number: 5 });

  // The family asked a question; it must be answered before sign-off.
  const question = await request(t.app)
    .post(`${caseUrl}/family/questions`)
    .set(coordinator.headers)
    .send({ question: 'Could anything have been done differently at the hospital?' });
  expect(question.status).toBe(201);

  // 7. Sign-off: refused without quorum (nobody recorded present yet), refused to a member, then by the chair once quorate.
  const signOff = (who: PanelPerson) => request(t.app).post(`${caseUrl}/review/sign-off`).set(who.headers).send({ meetingId: meeting.id });
  for (const [who, capacity] of [
    [chair, 'chair'],
    [police, 'police'],
    [health, 'health'],
  ] as const) {
    const invited = await request(t.app).post(`${meetingUrl}/members`).set(coordinator.headers).send({ userId: who.id, capacity });
    expect(invited.status).toBe(200);
  }
  const attend = (who: PanelPerson) =>
    request(t.app).put(`${meetingUrl}/members/${who.id}/attendance`).set(coordinator.headers).send({ attended: 'present' });
  expect((await attend(chair)).status).toBe(200);
  const inquorate = await signOff(chair);
  expect([inquorate.status, inquorate.body.code]).toEqual([409, 'REVIEW.NOT_QUORATE']);
  expect(inquorate.body.missing.length).toBeGreaterThan(0);
  const byMember = await signOff(health);
  expect(byMember.status).toBe(403);
  expect(await status()).toBe('scheduled_for_panel');

  // The panel's quorum for this meeting: the chair, police and health present.
  const quorum = await request(t.app)
    .put(`/v1/panels/${dir.panelId}/quorum`)
    .set(coordinator.headers)
    .send({ chairRequired: true, capacities: { police: 1, health: 1 }, minimumPresent: 3 });
  expect(quorum.status).toBe(200);
  expect((await attend(police)).status).toBe(200);
  expect((await attend(health)).status).toBe(200);
  const questionsOpen = await signOff(chair);
  expect([questionsOpen.status, questionsOpen.body.code]).toEqual([409, 'REVIEW.FAMILY_QUESTIONS_OPEN']);
  const answered = await request(t.app)
    .put(`${caseUrl}/family/questions/${question.body.id}/answer`)
    .set(chair.headers)
    .send({ answer: 'The panel found the hospital’s care timely; it explains its reasons in the letter to the family.' });
  expect(answered.status).toBe(200);
  const signed = await signOff(chair);
  expect(signed.status).toBe(200);
  expect(signed.body).toMatchObject({ status: 'signed', category: { number: 5 } });
  const reviewed = await request(t.app).get(caseUrl).set(coordinator.headers);
  expect(reviewed.body).toMatchObject({ status: 'reviewed', category: 5 });

  // 8. An action without an owner holds closure; once owned, the coordinator closes the case.
  const action = await request(t.app)
    .post(`${caseUrl}/review/actions`)
    .set(coordinator.headers)
    .send({ description: 'Repeat safer sleep advice at every health visitor contact.', dueDate: '2027-03-31' });
  expect(action.status).toBe(201);
  const blocked = await request(t.app).post(`${caseUrl}/actions`).set(coordinator.headers).send({ action: 'close' });
  expect([blocked.status, blocked.body.code]).toEqual([409, 'CASE.CLOSURE_BLOCKED']);
  expect(blocked.body.blockers).toEqual([expect.objectContaining({ code: 'REVIEW.ACTION_WITHOUT_OWNER' })]);
  const owned = await request(t.app)
    .patch(`/v1/review-actions/${action.body.id}`)
    .set(coordinator.headers)
    .set('If-Match', action.headers.etag as string)
    .send({ ownerAgencyId: dir.hospitalId });
  expect(owned.status).toBe(200);
  const closed = await request(t.app).post(`${caseUrl}/actions`).set(coordinator.headers).send({ action: 'close' });
  expect([closed.status, closed.body.status]).toEqual([200, 'closed']);

  // The case history: every step, in order, with who took it.
  const history = (await request(t.app).get(`${caseUrl}/history`).query({ limit: 100 }).set(coordinator.headers)).body
    .items as HistoryEntry[];
  const steps = history.map((h) => [h.action, h.toStatus, h.actor.type, h.actor.id]);
  const by = (p: PanelPerson) => p.id;
  expect(steps).toEqual([
    ['notify', 'notified', 'client', expect.any(String)],
    ['request_information', 'gathering_information', 'user', by(coordinator)],
    ['form_requested', 'gathering_information', 'user', by(coordinator)],
    ['form_submitted', 'gathering_information', 'user', expect.any(String)],
    ['form_submitted', 'gathering_information', 'user', expect.any(String)],
    ['mark_ready_for_panel', 'ready_for_panel', 'user', by(coordinator)],
    ['schedule_for_panel', 'scheduled_for_panel', 'user', by(coordinator)],
    ['review_updated', 'scheduled_for_panel', 'user', by(health)],
    ['record_panel_review', 'reviewed', 'user', by(chair)],
    ['review_signed_off', 'reviewed', 'user', by(chair)],
    ['close', 'closed', 'user', by(coordinator)],
  ]);
  expect(history.find((h) => h.action === 'schedule_for_panel')).toMatchObject({ payload: { meetingId: meeting.id } });
  // Every read of the pack was audited, the recused member's refusal included.
  const packReads = await t.ds.query(`SELECT outcome FROM audit_events WHERE action = 'case.pack.read' AND resource_id = $1 ORDER BY id`, [
    caseId,
  ]);
  expect(packReads.map((r: { outcome: string }) => r.outcome)).toEqual(['denied', 'success']);
});
