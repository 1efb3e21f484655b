import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { seedNationalTemplates } from '../../../src/modules/agency-forms';
import { safeguardingLearningOfCase } from '../../../src/modules/safeguarding-reviews';
import { inTransaction } from '../../../src/platform/db/transaction';
import { addDays, londonDateOf } from '../../../src/platform/time';
import { startTestApp, type TestApp } from '../../support/app';
import { insertCase, seedCaseWorld, type CaseWorld } from '../../support/cases';
import { as, principal } from '../../support/principals';
import { openReferral, reviewTablesFingerprint } from './support';

// Who may do what with a safeguarding review referral (GET /v1/reviews…, POST …/actions, …/imr-requests, …/learning):
// - CDOP coordinators of the case's panel: read (safeguarding-reviews:read), act, request IMRs, record learning
//   (safeguarding-reviews:write); they alone see the referrer's free-text reason;
// - panel chairs of the case's panel: read only (the reason hidden); a write is 403;
// - panel members, agency contributors, auditors, administrators: 403 on every operation;
// - a coordinator of another panel: the review does not exist (404), and is not listed.
// A referral is opened by the scr-triggers module through the port `open`, in its transaction (support.ts).

let clock: Date | undefined;
let t: TestApp;
let w: CaseWorld;
beforeAll(async () => {
  t = await startTestApp({}, { now: () => clock ?? new Date() });
});
afterAll(() => t.close());
beforeEach(async () => {
  clock = undefined;
  await t.reset();
  w = await seedCaseWorld(t.ds);
  await seedNationalTemplates(t.ds);
});

// Canary free text: none of it may reach the audit trail or the log.
const REASON = 'Zephyrine canary: bruising seen by the Zephyrine health visitor in October.';
const DECISION = 'Zephyrine decision: the criteria of regulation 5 are met.';
const NOTE = 'Zephyrine note: records secured by every agency.';
const SCOPE = 'Zephyrine scope: the force’s contact with the family from March to the death.';
const LEARNING = 'Zephyrine learning: no one saw the child alone.';
const CANARIES = [REASON, DECISION, NOTE, SCOPE, LEARNING, 'Zephyrine'];

const coordinatorP = () => principal('cdop_coordinator', { panelIds: [w.panels.wor.id] });
const coordinator = () => as(coordinatorP());
const chair = () => as(principal('panel_chair', { panelIds: [w.panels.wor.id] }));
const member = () => as(principal('panel_member', { panelIds: [w.panels.wor.id] }));
const otherCoordinator = () => as(principal('cdop_coordinator', { panelIds: [w.panels.her.id] }));
const contributor = () => as(principal('agency_contributor', { agencyId: w.agencies.police }));

const today = () => londonDateOf(new Date());

async function referredCase(regime: '2015' | '2018', over: { awareOn?: string; at?: Date; reason?: string } = {}) {
  const c = await insertCase(t.ds, {
    panelId: w.panels.wor.id,
    notifierAgencyId: w.agencies.hospital,
    agencyIds: [w.agencies.hospital, w.agencies.police, w.agencies.school],
    status: 'gathering_information',
  });
  // The flag is the scr-triggers module's, which vouches for it (the referral module keeps its id).
  const flagId = randomUUID();
  const { reviewId } = await openReferral(
    t.ds,
    coordinatorP(),
    {
      caseId: c.id,
      panelId: w.panels.wor.id,
      regime,
      flagIds: [flagId],
      ruleIds: ['abuse_or_neglect_death'],
      awareOn: over.awareOn ?? addDays(today(), -2),
      ...(over.reason !== undefined ? { reason: over.reason } : { reason: REASON }),
    },
    over.at,
  );
  return { caseId: c.id, flagId, reviewId };
}

const get = (id: string, who = coordinator()) => request(t.app).get(`/v1/reviews/${id}`).set(who);
const act = (id: string, body: object, who = coordinator()) => request(t.app).post(`/v1/reviews/${id}/actions`).set(who).send(body);
const clockOf = (body: { clocks: { clockId: string }[] }, id: string) =>
  body.clocks.find((k) => k.clockId === id) as Record<string, unknown>;

async function auditText(): Promise<string> {
  const rows = await t.ds.query(`SELECT action, details::text AS details, reason FROM audit_events ORDER BY id`);
  return JSON.stringify(rows);
}

describe('opening a referral (the port scr-triggers calls)', () => {
  it('when a flag is referred, then the review is open, with its first history entry, its clocks, the case history and an audit event', async () => {
    const { caseId, flagId, reviewId } = await referredCase('2018', { awareOn: addDays(today(), -1) });
    const res = await get(reviewId);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"v1"');
    expect(res.body).toMatchObject({
      caseId,
      panelId: w.panels.wor.id,
      regime: '2018',
      state: 'referred',
      flagIds: [flagId],
      ruleIds: ['abuse_or_neglect_death'],
      referralReason: REASON,
      decision: null,
      allowedActions: ['record_rapid_review', 'add_note'],
      overdue: false,
      clockRulesVersion: 1,
    });
    expect(res.body.clocks.map((k: { clockId: string; status: string }) => [k.clockId, k.status])).toEqual([
      ['rapid_review_due', 'pending'],
      ['lcspr_publication_due', 'pending'],
    ]);
    expect(res.body.history).toMatchObject([{ action: 'refer', fromState: null, toState: 'referred' }]);
    const caseHistory = await request(t.app).get(`/v1/cases/${caseId}/history`).set(coordinator());
    expect(caseHistory.body.items.map((e: { action: string }) => e.action)).toContain('safeguarding_review_opened');
    expect(await t.ds.query(`SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY id`, [reviewId])).toEqual(
      expect.arrayContaining([{ action: 'safeguarding_review.opened' }]),
    );
  });

  it('when the referral names a flag of another case, a flag already referred, awareness in the future, or a case of another panel, then it is refused and nothing is written', async () => {
    const first = await referredCase('2015');
    const other = await insertCase(t.ds, { panelId: w.panels.wor.id, notifierAgencyId: w.agencies.hospital });
    const before = await reviewTablesFingerprint(t.ds);
    const input = {
      caseId: other.id,
      panelId: w.panels.wor.id,
      regime: '2015' as const,
      flagIds: [first.flagId],
      ruleIds: ['r'],
      awareOn: today(),
    };
    await expect(openReferral(t.ds, coordinatorP(), input)).rejects.toMatchObject({
      status: 409,
      code: 'SAFEGUARDING_REVIEW.FLAG_ALREADY_REFERRED',
    });
    await expect(openReferral(t.ds, coordinatorP(), { ...input, caseId: first.caseId })).rejects.toMatchObject({
      status: 409,
      code: 'SAFEGUARDING_REVIEW.FLAG_ALREADY_REFERRED',
    });
    await expect(openReferral(t.ds, coordinatorP(), { ...input, awareOn: addDays(today(), 1) })).rejects.toMatchObject({
      status: 400,
      errors: [{ field: 'body.awareOn' }],
    });
    const herCase = await insertCase(t.ds, { panelId: w.panels.her.id, notifierAgencyId: w.agencies.hospital });
    const herFlag = randomUUID();
    const afterCases = await reviewTablesFingerprint(t.ds);
    await expect(openReferral(t.ds, coordinatorP(), { ...input, caseId: herCase.id, flagIds: [herFlag] })).rejects.toMatchObject({
      status: 404,
    });
    expect(await reviewTablesFingerprint(t.ds)).toBe(afterCases);
    expect(JSON.parse(afterCases).reviews).toEqual(JSON.parse(before).reviews);
  });
});

describe('the 2015 path (Serious Case Review)', () => {
  it('when a review goes from referral to publication, then each step meets its clocks, IMRs are requested through the forms module, and learning is linked to the case', async () => {
    const { caseId, reviewId } = await referredCase('2015');
    expect((await act(reviewId, { action: 'record_rapid_review' })).body).toMatchObject({
      code: 'SAFEGUARDING_REVIEW.ACTION_NOT_ALLOWED',
      allowedActions: ['record_recommendation', 'add_note'],
    });
    expect((await act(reviewId, { action: 'record_recommendation', note: NOTE })).body.state).toBe('decision_pending');

    const proceed = await act(reviewId, { action: 'decide_to_proceed', reason: DECISION });
    expect(proceed.status).toBe(200);
    expect(proceed.body).toMatchObject({ state: 'proceeding', decision: { outcome: 'proceed', reason: DECISION } });
    expect(clockOf(proceed.body, 'scr_decision_due')).toMatchObject({ status: 'met', overdue: false });
    expect(clockOf(proceed.body, 'scr_completion_due')).toMatchObject({ status: 'pending' });

    // Learning before the IMRs: allowed once the review goes ahead.
    const learning = await request(t.app)
      .post(`/v1/reviews/${reviewId}/learning`)
      .set(coordinator())
      .send({ kind: 'learning_point', description: LEARNING });
    expect(learning.status).toBe(201);
    const action = await request(t.app)
      .post(`/v1/reviews/${reviewId}/learning`)
      .set(coordinator())
      .send({
        kind: 'action',
        description: 'Share incident notifications with schools.',
        ownerAgencyId: w.agencies.police,
        dueDate: addDays(today(), 90),
      });
    expect(action.status).toBe(201);
    expect(action.body).toMatchObject({ kind: 'action', caseId, status: 'open', ownerAgency: { id: w.agencies.police }, overdue: false });

    const imr = await request(t.app)
      .post(`/v1/reviews/${reviewId}/imr-requests`)
      .set(coordinator())
      .send({ agencyId: w.agencies.police, scope: SCOPE, dueDate: addDays(today(), 30) });
    expect(imr.status).toBe(201);
    expect(imr.body.state).toBe('imrs_requested');
    expect(imr.body.imrRequests).toMatchObject([
      { agency: { id: w.agencies.police, name: 'West Mercia Police' }, templateId: 'imr', status: 'requested', overdue: false },
    ]);
    const requestId = imr.body.imrRequests[0].requestId as string;
    // The forms module owns the request: the agency sees it, with the scope as its note; a second IMR from it is refused.
    const asAgency = await request(t.app).get(`/v1/form-requests/${requestId}`).set(contributor());
    expect(asAgency.status).toBe(200);
    expect(asAgency.body).toMatchObject({ template: { id: 'imr', kind: 'individual_management_review' }, note: SCOPE });
    const second = await request(t.app)
      .post(`/v1/reviews/${reviewId}/imr-requests`)
      .set(coordinator())
      .send({ agencyId: w.agencies.police, scope: SCOPE });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('FORM_REQUEST.ALREADY_REQUESTED');
    const byOds = await request(t.app)
      .post(`/v1/reviews/${reviewId}/imr-requests`)
      .set(coordinator())
      .send({ agencyOdsCode: 'RWP', scope: SCOPE });
    expect(byOds.status).toBe(201);
    expect(byOds.body.state).toBe('imrs_requested');
    expect(byOds.body.imrRequests).toHaveLength(2);

    expect((await act(reviewId, { action: 'draft_report' })).body.state).toBe('report_drafted');
    const completed = await act(reviewId, { action: 'complete' });
    expect(completed.body.state).toBe('completed');
    expect(clockOf(completed.body, 'scr_completion_due')).toMatchObject({ status: 'met' });
    const published = await act(reviewId, { action: 'publish' });
    expect(published.body).toMatchObject({ state: 'published', allowedActions: [], overdue: false });
    expect(published.body.clocks.map((k: { status: string }) => k.status)).toEqual(['met', 'met', 'met']);
    expect(published.body.history.map((h: { action: string }) => h.action)).toEqual([
      'refer',
      'record_recommendation',
      'decide_to_proceed',
      'request_imrs',
      'draft_report',
      'complete',
      'publish',
    ]);
    expect(published.body.learning.map((l: { kind: string }) => l.kind)).toEqual(['learning_point', 'action']);
    // Ended: nothing more, not even a note or a learning point.
    expect((await act(reviewId, { action: 'add_note', note: NOTE })).status).toBe(409);
    const late = await request(t.app)
      .post(`/v1/reviews/${reviewId}/learning`)
      .set(coordinator())
      .send({ kind: 'learning_point', description: 'x' });
    expect(late.body.code).toBe('SAFEGUARDING_REVIEW.LEARNING_NOT_OPEN');

    // For the reports: the case's learning, read through the module's index.
    const forReports = await inTransaction(t.ds, (tx) => safeguardingLearningOfCase(tx, caseId));
    expect(forReports.map((l) => [l.kind, l.reviewId])).toEqual([
      ['learning_point', reviewId],
      ['action', reviewId],
    ]);
    const caseHistory = await request(t.app).get(`/v1/cases/${caseId}/history?limit=100`).set(coordinator());
    expect(caseHistory.body.items.filter((e: { action: string }) => e.action === 'safeguarding_review_changed')).toHaveLength(6);

    const audited = await auditText();
    for (const canary of CANARIES) expect(audited).not.toContain(canary);
    for (const line of t.logLines) for (const canary of CANARIES) expect(line).not.toContain(canary);
  });

  it('when the chair decides not to proceed, then the decision clock is met, the later clocks stop, and the review ends', async () => {
    const { reviewId } = await referredCase('2015');
    await act(reviewId, { action: 'record_recommendation' });
    const res = await act(reviewId, { action: 'decide_not_to_proceed', reason: DECISION });
    expect(res.body).toMatchObject({ state: 'not_proceeding', allowedActions: [], decision: { outcome: 'not_proceed' } });
    expect(res.body.clocks.map((k: { clockId: string; status: string }) => [k.clockId, k.status])).toEqual([
      ['scr_decision_due', 'met'],
      ['scr_completion_due', 'stopped'],
      ['scr_publication_due', 'stopped'],
    ]);
    const imr = await request(t.app)
      .post(`/v1/reviews/${reviewId}/imr-requests`)
      .set(coordinator())
      .send({ agencyId: w.agencies.police, scope: SCOPE });
    expect(imr.status).toBe(409);
    expect(imr.body.code).toBe('SAFEGUARDING_REVIEW.ACTION_NOT_ALLOWED');
  });
});

describe('the 2018 path (rapid review and local review)', () => {
  it('when a review goes from referral to publication without IMRs, then the rapid review clock and the publication clock are met', async () => {
    const { reviewId } = await referredCase('2018');
    const refused = await act(reviewId, { action: 'record_recommendation' });
    expect(refused.status).toBe(409);
    expect(refused.body.allowedActions).toEqual(['record_rapid_review', 'add_note']);
    const rapid = await act(reviewId, { action: 'record_rapid_review', note: NOTE });
    expect(rapid.body.state).toBe('decision_pending');
    expect(clockOf(rapid.body, 'rapid_review_due')).toMatchObject({ status: 'met' });
    expect((await act(reviewId, { action: 'decide_to_proceed', reason: DECISION })).body.state).toBe('proceeding');
    expect((await act(reviewId, { action: 'draft_report' })).body.state).toBe('report_drafted');
    expect((await act(reviewId, { action: 'complete' })).body.state).toBe('completed');
    const published = await act(reviewId, { action: 'publish' });
    expect(published.body.state).toBe('published');
    expect(clockOf(published.body, 'lcspr_publication_due')).toMatchObject({ status: 'met' });
    expect(published.body.history.map((h: { toState: string }) => h.toState)).toEqual([
      'referred',
      'decision_pending',
      'proceeding',
      'report_drafted',
      'completed',
      'published',
    ]);
  });

  it('when the ETag sent is stale, then the step is refused with 412 and nothing is written', async () => {
    const { reviewId } = await referredCase('2018');
    await act(reviewId, { action: 'add_note', note: NOTE });
    const before = await reviewTablesFingerprint(t.ds);
    const res = await request(t.app)
      .post(`/v1/reviews/${reviewId}/actions`)
      .set(coordinator())
      .set('If-Match', '"v1"')
      .send({ action: 'record_rapid_review' });
    expect(res.status).toBe(412);
    expect(await reviewTablesFingerprint(t.ds)).toBe(before);
    const ok = await request(t.app)
      .post(`/v1/reviews/${reviewId}/actions`)
      .set(coordinator())
      .set('If-Match', '"v2"')
      .send({ action: 'record_rapid_review' });
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe('"v3"');
  });
});

describe('who may', () => {
  it('when the chair reads, then the review is shown without the referrer’s reason; chairs may not act; members, contributors and other panels get nothing', async () => {
    const { reviewId } = await referredCase('2018');
    const asChair = await get(reviewId, chair());
    expect(asChair.status).toBe(200);
    expect(asChair.body.referralReason).toBeNull();
    expect((await act(reviewId, { action: 'record_rapid_review' }, chair())).status).toBe(403);
    expect((await get(reviewId, member())).status).toBe(403);
    expect((await request(t.app).get('/v1/reviews').set(member())).status).toBe(403);
    expect((await get(reviewId, contributor())).status).toBe(403);
    expect(
      (
        await request(t.app)
          .get('/v1/reviews')
          .set(as(principal('auditor')))
      ).status,
    ).toBe(403);
    expect(
      (
        await request(t.app)
          .get('/v1/reviews')
          .set(as(principal('administrator')))
      ).status,
    ).toBe(403);
    const other = await get(reviewId, otherCoordinator());
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('SAFEGUARDING_REVIEW.NOT_FOUND');
    expect((await act(reviewId, { action: 'record_rapid_review' }, otherCoordinator())).status).toBe(404);
    expect((await request(t.app).get('/v1/reviews').set(otherCoordinator())).body.items).toEqual([]);
    expect(
      (await request(t.app).post(`/v1/reviews/${reviewId}/learning`).set(chair()).send({ kind: 'learning_point', description: 'x' }))
        .status,
    ).toBe(403);
    expect(
      (await request(t.app).post(`/v1/reviews/${reviewId}/imr-requests`).set(chair()).send({ agencyId: w.agencies.police, scope: 'x' }))
        .status,
    ).toBe(403);
    // Refusals inside the module are audited too.
    expect(await t.ds.query(`SELECT outcome FROM audit_events WHERE action = 'safeguarding_review.read' AND outcome <> 'success'`)).toEqual(
      [{ outcome: 'failure' }],
    );
  });

  it('when the case moves to another panel, then its review follows it (no panel of its own)', async () => {
    const { caseId, reviewId } = await referredCase('2015');
    await t.ds.query(`UPDATE cases SET panel_id = $2 WHERE id = $1`, [caseId, w.panels.her.id]);
    expect((await get(reviewId)).status).toBe(404);
    const res = await get(reviewId, otherCoordinator());
    expect(res.status).toBe(200);
    expect(res.body.panelId).toBe(w.panels.her.id);
  });
});

describe('bad input', () => {
  it('when a request breaks a rule, then it is 400 naming the field, and nothing is written', async () => {
    const { reviewId } = await referredCase('2015');
    await act(reviewId, { action: 'record_recommendation' });
    const before = await reviewTablesFingerprint(t.ds);
    const cases: [string, object, string][] = [
      ['actions', { action: 'decide_to_proceed' }, 'body.reason'],
      ['actions', { action: 'decide_to_proceed', reason: '   ' }, 'body.reason'],
      ['actions', { action: 'complete', reason: 'no' }, 'body.reason'],
      ['actions', { action: 'fly' }, 'body.action'],
      ['imr-requests', { agencyId: w.agencies.police, agencyOdsCode: 'RWP', scope: SCOPE }, 'body.agencyId'],
      ['imr-requests', { agencyId: w.agencies.police, scope: SCOPE, dueDate: addDays(today(), -1) }, 'body.dueDate'],
      ['learning', { kind: 'action', description: 'x' }, 'body.ownerAgencyId'],
      ['learning', { kind: 'learning_point', description: 'x', dueDate: today() }, 'body.dueDate'],
    ];
    for (const [path, body, field] of cases) {
      const res = await request(t.app).post(`/v1/reviews/${reviewId}/${path}`).set(coordinator()).send(body);
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await reviewTablesFingerprint(t.ds)).toBe(before);

    // An unknown agency for the IMR is the forms module's refusal, inside the same transaction: nothing is written either.
    await act(reviewId, { action: 'decide_to_proceed', reason: DECISION });
    const proceeding = await reviewTablesFingerprint(t.ds);
    const unknown = await request(t.app)
      .post(`/v1/reviews/${reviewId}/imr-requests`)
      .set(coordinator())
      .send({ agencyOdsCode: 'ZZZ99', scope: SCOPE });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ code: 'FORM_REQUEST.UNKNOWN_AGENCY', errors: [{ field: 'body.agencyOdsCode' }] });
    expect(await reviewTablesFingerprint(t.ds)).toBe(proceeding);
  });
});

describe('the list', () => {
  it('when the clock is set past a rapid review’s due day, then overdue=true lists that review only, until the rapid review is recorded (met late)', async () => {
    // Aware on the Monday before Christmas 2026: the rapid review is due on 14 January 2027 (bank holidays skipped).
    const late = await referredCase('2018', { awareOn: '2026-12-21', at: new Date('2026-12-22T10:00:00Z') });
    const onTime = await referredCase('2018', { awareOn: '2027-01-11', at: new Date('2027-01-11T10:00:00Z') });
    clock = new Date('2027-01-15T09:00:00Z');
    const overdue = await request(t.app).get('/v1/reviews?overdue=true').set(coordinator());
    expect(overdue.status).toBe(200);
    expect(overdue.body.items.map((i: { id: string }) => i.id)).toEqual([late.reviewId]);
    expect(overdue.body.items[0]).toMatchObject({ overdue: true, nextDue: { clockId: 'rapid_review_due', dueOn: '2027-01-14' } });
    const notOverdue = await request(t.app).get('/v1/reviews?overdue=false').set(coordinator());
    expect(notOverdue.body.items.map((i: { id: string }) => i.id)).toEqual([onTime.reviewId]);
    expect(clockOf((await get(late.reviewId)).body, 'rapid_review_due')).toMatchObject({ status: 'overdue', overdue: true });

    // On the due day itself it was not yet overdue.
    clock = new Date('2027-01-14T23:30:00Z');
    expect((await request(t.app).get('/v1/reviews?overdue=true').set(coordinator())).body.items).toEqual([]);

    clock = new Date('2027-01-15T09:00:00Z');
    const met = await act(late.reviewId, { action: 'record_rapid_review' });
    expect(clockOf(met.body, 'rapid_review_due')).toMatchObject({ status: 'met_late', overdue: false });
    expect((await request(t.app).get('/v1/reviews?overdue=true').set(coordinator())).body.items).toEqual([]);
  });

  it('when filtered and paged, then each filter narrows the list and the cursor walks it, most recently referred first', async () => {
    const a = await referredCase('2015', { at: new Date(Date.now() - 3000) });
    const b = await referredCase('2018', { at: new Date(Date.now() - 2000) });
    const c = await referredCase('2018', { at: new Date(Date.now() - 1000) });
    await act(b.reviewId, { action: 'record_rapid_review' });
    const ids = async (q: string) =>
      (await request(t.app).get(`/v1/reviews${q}`).set(coordinator())).body.items.map((i: { id: string }) => i.id) as string[];
    expect(await ids('')).toEqual([c.reviewId, b.reviewId, a.reviewId]);
    expect(await ids('?regime=2015')).toEqual([a.reviewId]);
    expect(await ids('?state=decision_pending')).toEqual([b.reviewId]);
    expect(await ids(`?caseId=${c.caseId}`)).toEqual([c.reviewId]);
    const first = await request(t.app).get('/v1/reviews?limit=2').set(chair());
    expect(first.body.items.map((i: { id: string }) => i.id)).toEqual([c.reviewId, b.reviewId]);
    const second = await request(t.app).get(`/v1/reviews?limit=2&cursor=${first.body.nextCursor}`).set(chair());
    expect(second.body).toMatchObject({ items: [{ id: a.reviewId }], nextCursor: null });
    expect((await request(t.app).get('/v1/reviews?cursor=bm90LWEtY3Vyc29y').set(chair())).status).toBe(400);
  });
});
