import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { caseFingerprint, insertCase, insertFlag, seedCaseWorld, type CaseWorld } from '../../support/cases';
import { scheduleMeeting, seedPerson, type PanelPerson } from '../../support/meetings';

// Who may sign a review off (POST /v1/cases/{caseId}/review/sign-off, reviews:sign-off):
// - the panel chair of the case's panel, present at a quorate meeting of that panel with the case on its agenda,
//   not recused, with every family question answered;
// - panel members and CDOP coordinators: 403 (no reviews:sign-off); a chair of another panel: 404;
// - agency staff, auditors: 403; anonymous: 401.
// And who may write the draft: a member who declared a conflict of interest for the case may not (403 REVIEW.RECUSED).
// Every meeting here is set up through the panel-meetings endpoints (schedule, invite, attendance, agenda), the
// family's questions through the family endpoints.

// Each test builds a meeting through a dozen requests; on a loaded machine that can pass the default 30 s.
jest.setTimeout(90_000);

let t: TestApp;
let w: CaseWorld;
let coordinator: PanelPerson;
let chair: PanelPerson;
let police: PanelPerson;
let member: PanelPerson;
let otherChair: PanelPerson;

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
  member = await seedPerson(t.ds, 'panel_member', wor, 'Pat Public Health');
  otherChair = await seedPerson(t.ds, 'panel_chair', [w.panels.her.id], 'Dr Her Chair');
  // A small quorum for the tests: the chair and a police member, two present.
  const quorum = await request(t.app)
    .put(`/v1/panels/${w.panels.wor.id}/quorum`)
    .set(coordinator.headers)
    .send({ chairRequired: true, capacities: { police: 1 }, minimumPresent: 2 });
  expect(quorum.status).toBe(200);
});

const DRAFT = {
  categoriesConsidered: [10, 3],
  modifiableFactors: 'yes',
  factors: [{ domain: 'physical_environment', description: 'Put down to sleep on a sofa.', relevance: '2' }],
  learningPoints: ['Safer sleep advice at every contact.'],
  safeguardingReviewCriteriaMet: 'no',
};

interface Setup {
  caseId: string;
  meetingId: string;
}

/** A case on the agenda of a meeting where the chair and police are recorded (present unless told), with a draft. */
async function setUp(
  opts: { chairAttended?: 'present' | 'apologies'; policeAttended?: 'present' | 'absent'; draft?: object } = {},
): Promise<Setup> {
  const c = await insertCase(t.ds, { panelId: w.panels.wor.id, notifierAgencyId: w.agencies.hospital, status: 'ready_for_panel' });
  const m = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id);
  for (const [who, capacity, attended] of [
    [chair, 'chair', opts.chairAttended ?? 'present'],
    [police, 'police', opts.policeAttended ?? 'present'],
  ] as const) {
    expect(
      (await request(t.app).post(`/v1/panel-meetings/${m.id}/members`).set(coordinator.headers).send({ userId: who.id, capacity })).status,
    ).toBe(200);
    const att = await request(t.app)
      .put(`/v1/panel-meetings/${m.id}/members/${who.id}/attendance`)
      .set(coordinator.headers)
      .send({ attended });
    expect(att.status).toBe(200);
  }
  expect((await request(t.app).post(`/v1/panel-meetings/${m.id}/agenda`).set(coordinator.headers).send({ caseId: c.id })).status).toBe(201);
  const draft = await request(t.app)
    .put(`/v1/cases/${c.id}/review`)
    .set(member.headers)
    .send(opts.draft ?? DRAFT);
  expect(draft.status).toBe(200);
  return { caseId: c.id, meetingId: m.id };
}

const signOff = (s: Setup, who: PanelPerson = chair, meetingId = s.meetingId) =>
  request(t.app).post(`/v1/cases/${s.caseId}/review/sign-off`).set(who.headers).send({ meetingId });

/** Everything a refused sign-off must leave as it was. */
async function state(s: Setup) {
  const [review] = await t.ds.query(`SELECT status, version, signed_at FROM case_reviews WHERE case_id = $1`, [s.caseId]);
  const agenda = await t.ds.query(`SELECT status FROM panel_meeting_agenda_items WHERE case_id = $1`, [s.caseId]);
  const signed = await t.ds.query(
    `SELECT count(*)::int AS n FROM audit_events WHERE action = 'case.review.signed_off' AND outcome = 'success'`,
  );
  return { kase: await caseFingerprint(t.ds, s.caseId), review, agenda, signedAudits: signed[0].n };
}

async function expectRefused(s: Setup, res: request.Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body.code).toBe(code);
  const after = await state(s);
  expect(after.review).toMatchObject({ status: 'draft', signed_at: null });
  expect(after.agenda).toEqual([{ status: 'scheduled' }]);
  expect(after.signedAudits).toBe(0);
  expect((await t.ds.query(`SELECT status FROM cases WHERE id = $1`, [s.caseId]))[0].status).toBe('scheduled_for_panel');
}

describe('signing the review off', () => {
  it('when the chair signs off at a quorate meeting, then the review is signed, the case reviewed with its category, the history and the agenda say so', async () => {
    const s = await setUp();
    const res = await signOff(s);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"v2"');
    expect(res.body).toMatchObject({
      status: 'signed',
      revision: 1,
      category: { number: 3 },
      signedOff: { by: chair.id, meetingId: s.meetingId, at: expect.any(String) },
    });
    const kase = await request(t.app).get(`/v1/cases/${s.caseId}`).set(coordinator.headers);
    expect(kase.body).toMatchObject({ status: 'reviewed', category: 3 });
    const history = await request(t.app).get(`/v1/cases/${s.caseId}/history`).set(coordinator.headers);
    expect(history.status).toBe(200);
    const entries = (history.body.items ?? history.body) as { action: string; actor?: { id?: string } }[];
    const step = entries.find((e) => e.action === 'record_panel_review');
    expect(step).toBeDefined();
    expect(JSON.stringify(step)).toContain(s.meetingId);
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['review_updated', 'review_signed_off']));
    const meeting = await request(t.app).get(`/v1/panel-meetings/${s.meetingId}`).set(chair.headers);
    expect(meeting.body.agenda).toEqual([expect.objectContaining({ caseId: s.caseId, status: 'reviewed' })]);
    const [audit] = await t.ds.query(`SELECT details FROM audit_events WHERE action = 'case.review.signed_off' AND outcome = 'success'`);
    expect(audit.details).toEqual({ revision: 1, meetingId: s.meetingId, category: 3 });
    // Signed: no more changes, and a second sign-off is refused.
    expect(
      (await request(t.app).put(`/v1/cases/${s.caseId}/review`).set(member.headers).set('If-Match', '"v2"').send(DRAFT)).body.code,
    ).toBe('REVIEW.SIGNED');
    expect((await signOff(s)).body.code).toBe('REVIEW.SIGNED');
  });

  it('when a member or a coordinator signs off, then 403 by the permission check; a chair of another panel, 404; nothing written', async () => {
    const s = await setUp();
    await expectRefused(s, await signOff(s, member), 403, 'AUTH.FORBIDDEN');
    await expectRefused(s, await signOff(s, coordinator), 403, 'AUTH.FORBIDDEN');
    await expectRefused(s, await signOff(s, otherChair), 404, 'CASE.NOT_FOUND');
  });

  it('when the draft lacks a category or the modifiable-factors answer, then 409 REVIEW.INCOMPLETE listing them, nothing written', async () => {
    const s = await setUp({ draft: { factors: [] } });
    const res = await signOff(s);
    await expectRefused(s, res, 409, 'REVIEW.INCOMPLETE');
    expect(res.body.missing).toEqual(['categoriesConsidered', 'modifiableFactors']);
  });

  it('when the meeting is not quorate for the case, then 409 REVIEW.NOT_QUORATE with what it lacks, nothing written', async () => {
    const s = await setUp({ policeAttended: 'absent' });
    const res = await signOff(s);
    await expectRefused(s, res, 409, 'REVIEW.NOT_QUORATE');
    expect(res.body.missing).toEqual(expect.arrayContaining([expect.stringContaining('police')]));
  });

  it('when the case is on another meeting’s agenda, then 409 REVIEW.NOT_ON_AGENDA; an unknown meeting, 400; nothing written', async () => {
    const s = await setUp();
    const other = await scheduleMeeting(t.app, coordinator.headers, w.panels.wor.id, {
      title: 'February panel',
      startsAt: '2027-02-11T14:00:00Z',
    });
    await expectRefused(s, await signOff(s, chair, other.id), 409, 'REVIEW.NOT_ON_AGENDA');
    await expectRefused(s, await signOff(s, chair, '00000000-0000-4000-8000-000000000000'), 400, 'REVIEW.UNKNOWN_MEETING');
  });

  it('when the chair is not recorded present, then 409 REVIEW.CHAIR_NOT_PRESENT, nothing written', async () => {
    const s = await setUp({ chairAttended: 'apologies' });
    await expectRefused(s, await signOff(s), 409, 'REVIEW.CHAIR_NOT_PRESENT');
  });

  it('when the chair declared a conflict of interest, then sign-off is 409 REVIEW.CHAIR_RECUSED and the chair may no longer write the draft (403 REVIEW.RECUSED)', async () => {
    const s = await setUp();
    expect(
      (await request(t.app).post(`/v1/cases/${s.caseId}/recusals`).set(chair.headers).send({ reason: 'Knew the family.' })).status,
    ).toBe(201);
    await expectRefused(s, await signOff(s), 409, 'REVIEW.CHAIR_RECUSED');
    const write = await request(t.app).put(`/v1/cases/${s.caseId}/review`).set(chair.headers).set('If-Match', '"v1"').send(DRAFT);
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('REVIEW.RECUSED');
    const action = await request(t.app).post(`/v1/cases/${s.caseId}/review/actions`).set(chair.headers).send({ description: 'X' });
    expect(action.body.code).toBe('REVIEW.RECUSED');
    // The others still may.
    expect((await request(t.app).put(`/v1/cases/${s.caseId}/review`).set(member.headers).set('If-Match', '"v1"').send(DRAFT)).status).toBe(
      200,
    );
  });

  it('when a family question is unanswered, then 409 REVIEW.FAMILY_QUESTIONS_OPEN naming it; once answered, the sign-off goes through', async () => {
    const s = await setUp();
    const q = await request(t.app)
      .post(`/v1/cases/${s.caseId}/family/questions`)
      .set(coordinator.headers)
      .send({ question: 'Could the ambulance have come sooner?' });
    expect(q.status).toBe(201);
    const res = await signOff(s);
    await expectRefused(s, res, 409, 'REVIEW.FAMILY_QUESTIONS_OPEN');
    expect(res.body.questionIds).toEqual([q.body.id]);
    const answered = await request(t.app)
      .put(`/v1/cases/${s.caseId}/family/questions/${q.body.id}/answer`)
      .set(member.headers)
      .send({ answer: 'The panel found the response times were within target.' });
    expect(answered.status).toBe(200);
    expect((await signOff(s)).status).toBe(200);
  });

  it('when the workflow refuses the step (a possible duplicate flagged after scheduling), then its 409 comes through and nothing is written', async () => {
    const s = await setUp();
    const other = await insertCase(t.ds, { panelId: w.panels.wor.id, notifierAgencyId: w.agencies.gp });
    const flagId = await insertFlag(t.ds, other.id, { relatedCaseId: s.caseId });
    const res = await signOff(s);
    await expectRefused(s, res, 409, 'CASE.BLOCKED_BY_FLAG');
    expect(res.body.flag).toEqual({ id: flagId, type: 'POSSIBLE_DUPLICATE' });
  });
});
