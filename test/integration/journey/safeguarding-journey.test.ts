import request from 'supertest';
import { seedNationalTemplates } from '../../../src/modules/agency-forms';
import { exampleAnswers, findTemplate } from '../../../src/modules/agency-forms/catalogue';
import { startTestApp, type TestApp } from '../../support/app';
import { seedPerson, type PanelPerson } from '../../support/meetings';
import { notification, seedDirectory, type Directory } from '../../support/notifications';
import { as, principal } from '../../support/principals';
import { reportingAnswers } from '../../support/scr';

// A death that meets the criteria for a safeguarding review, through HTTP only (issue 14): a hospital notifies →
// the police's reporting form records suspected abuse → the rule raises its flag in that submission's transaction,
// with its evidence and the 5-working-day serious incident notification clock → the coordinator records the
// notification sent and refers the flag → the safeguarding review runs its 2018 course (rapid review, decision to
// proceed, an IMR asked of the police through the forms module and submitted, report, completion, publication) and
// records its learning → the case's history shows the referral.

let t: TestApp;
let dir: Directory;
let coordinator: PanelPerson;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  dir = await seedDirectory(t.ds);
  await seedNationalTemplates(t.ds);
  coordinator = await seedPerson(t.ds, 'cdop_coordinator', [dir.panelId], 'Casey Coordinator');
});

const police = () => as(principal('agency_contributor', { agencyId: dir.policeId }));

it('when an agency suspects abuse, then a flag is raised, referred, and the safeguarding review runs to publication with an IMR from the police', async () => {
  const notified = await request(t.app)
    .post('/v1/notifications')
    .set(as(principal('hospital_system', { agencyId: dir.hospitalId })))
    .set('Idempotency-Key', 'safeguarding-journey-1')
    .send(notification(dir));
  expect(notified.status).toBe(201);
  const caseId: string = notified.body.caseId;

  // The police's reporting form suspects abuse or neglect.
  const asked = await request(t.app)
    .post(`/v1/cases/${caseId}/form-requests`)
    .set(coordinator.headers)
    .send({ agencyId: dir.policeId, templateId: 'reporting' });
  expect(asked.status).toBe(201);
  const submitted = await request(t.app)
    .post(`/v1/form-requests/${asked.body.id}/submit`)
    .set(police())
    .send({ templateVersion: 1, answers: reportingAnswers({ safeguarding: { abuseOrNeglectSuspected: 'yes' } }) });
  expect(submitted.status).toBe(201);

  // The flag, raised by that submission.
  const flags = await request(t.app).get('/v1/flags').query({ caseId }).set(coordinator.headers);
  expect(flags.body.items).toHaveLength(1);
  const flag = flags.body.items[0];
  expect(flag).toMatchObject({
    ruleId: 'abuse_or_neglect_death',
    kind: 'safeguarding_review',
    regime: '2018',
    raisedByChange: 'form_submitted',
    evidence: [{ source: 'form', recordId: asked.body.id, field: '/safeguarding/abuseOrNeglectSuspected', answer: 'yes' }],
  });
  expect(flag.clocks).toEqual([expect.objectContaining({ clockId: 'serious_incident_notification', status: 'pending' })]);

  // The serious incident notification is sent the day the local authority became aware; then the referral.
  const sent = await request(t.app).post(`/v1/flags/${flag.id}/notifications`).set(coordinator.headers).send({ sentOn: flag.awareOn });
  expect(sent.body.clocks[0]).toMatchObject({ status: 'met', metOn: flag.awareOn });
  const referred = await request(t.app).post(`/v1/flags/${flag.id}/refer`).set(coordinator.headers).send({ reason: 'Partners agree.' });
  expect(referred.body.status).toBe('referred');
  const reviewUrl = `/v1/reviews/${referred.body.reviewId}`;

  const act = async (action: string, reason?: string) => {
    const res = await request(t.app)
      .post(`${reviewUrl}/actions`)
      .set(coordinator.headers)
      .send({ action, ...(reason ? { reason } : {}) });
    expect([action, res.status, res.body.code]).toEqual([action, 200, undefined]);
    return res.body as { state: string };
  };
  expect((await act('record_rapid_review')).state).toBe('decision_pending');
  const noReason = await request(t.app).post(`${reviewUrl}/actions`).set(coordinator.headers).send({ action: 'decide_to_proceed' });
  expect([noReason.status, noReason.body.errors?.[0]?.field]).toEqual([400, 'body.reason']);
  expect((await act('decide_to_proceed', 'Learning about information sharing between police and health.')).state).toBe('proceeding');

  // The IMR is asked of the police through the forms module, and the police submit it there.
  const imr = await request(t.app)
    .post(`${reviewUrl}/imr-requests`)
    .set(coordinator.headers)
    .send({ agencyId: dir.policeId, scope: 'Contacts with the family in the 12 months before the death.' });
  expect(imr.status).toBe(201);
  const mine = await request(t.app).get('/v1/form-requests').set(police());
  const imrRequest = mine.body.items.find((r: { template: { id: string } }) => r.template.id === 'imr');
  expect(imrRequest).toBeDefined();
  const imrSubmitted = await request(t.app)
    .post(`/v1/form-requests/${imrRequest.id}/submit`)
    .set(police())
    .send({ templateVersion: 1, answers: exampleAnswers(findTemplate('imr')!) });
  expect(imrSubmitted.status).toBe(201);

  const learning = await request(t.app)
    .post(`${reviewUrl}/learning`)
    .set(coordinator.headers)
    .send({ kind: 'action', description: 'Joint training on information sharing.', ownerAgencyId: dir.policeId });
  expect(learning.status).toBe(201);
  for (const action of ['draft_report', 'complete', 'publish']) await act(action);

  const review = await request(t.app).get(reviewUrl).set(coordinator.headers);
  expect(review.body).toMatchObject({ caseId, regime: '2018', state: 'published' });
  expect(review.body.imrRequests).toEqual([expect.objectContaining({ status: 'submitted' })]);
  expect(review.body.learning).toHaveLength(1);
  const history = await request(t.app).get(`/v1/cases/${caseId}/history`).query({ limit: 100 }).set(coordinator.headers);
  const actions: string[] = history.body.items.map((e: { action: string }) => e.action);
  expect(actions).toEqual(expect.arrayContaining(['notify', 'form_requested', 'form_submitted', 'safeguarding_review_opened']));
});
