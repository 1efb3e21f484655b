import request from 'supertest';
import { seedNationalTemplates } from '../../../src/modules/agency-forms';
import { exampleAnswers, findTemplate } from '../../../src/modules/agency-forms/catalogue';
import { startTestApp, type TestApp } from '../../support/app';
import { seedAgency } from '../../support/cases';
import { seedPerson, type PanelPerson } from '../../support/meetings';
import { notification, nhsNumberFrom, seedDirectory, type Directory } from '../../support/notifications';
import { as, principal } from '../../support/principals';
import { reportingAnswers } from '../../support/scr';
import { statementsDuring } from '../../support/statements';

// Round trips per request (issue 9). On this stack each SQL statement is one round trip to PostgreSQL, and a round
// trip costs CPU on both sides even when the statement does nothing (about 0.2 ms of service and database CPU on the
// 2-core bench machine; the intake's 15 alone halve what its one-statement baseline serves: bench/results/README.md,
// 2026-12-01), so the number of statements a hot request sends is a large part of its cost. These budgets
// are what the requests send today; a change that adds a statement to one of them fails here and must raise the budget
// on purpose. Statements must not grow with the size of the input or of the result (no statement per agency, per
// case listed or per flag raised). Counts, not timings: the machine's speed does not enter.

let t: TestApp;
let dir: Directory;
let coordinator: PanelPerson;
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
});

const hospitalSystem = () => as(principal('hospital_system', { agencyId: dir.hospitalId }));
const hospitalUser = () => as(principal('agency_contributor', { agencyId: dir.hospitalId }));

/** The statements one request sends, and its response; the list is shown when a budget is exceeded. */
async function measure(send: () => request.Test): Promise<{ status: number; body: Record<string, unknown>; statements: string[] }> {
  const { result, statements } = await statementsDuring(async () => await send());
  return { status: result.status, body: result.body as Record<string, unknown>, statements };
}
const listing = (statements: string[]) => statements.map((s, i) => `${i + 1}. ${s.slice(0, 100)}`).join('\n');
function withinBudget(m: { statements: string[] }, budget: number): void {
  if (m.statements.length > budget) throw new Error(`${m.statements.length} statements, budget ${budget}:\n${listing(m.statements)}`);
}

const notify = (body = notification(dir, { nhsNumber: nhsNumberFrom(++seq), givenName: `Child${seq}` })) =>
  request(t.app).post('/v1/notifications').set(hospitalSystem()).set('Idempotency-Key', `budget-${++seq}`).send(body);

async function requestReportingForm(caseId: string): Promise<string> {
  const asked = await request(t.app)
    .post(`/v1/cases/${caseId}/form-requests`)
    .set(coordinator.headers)
    .send({ agencyId: dir.hospitalId, templateId: 'reporting' });
  expect(asked.status).toBe(201);
  return asked.body.id as string;
}
const submit = (requestId: string, answers: Record<string, Record<string, unknown>>) => () =>
  request(t.app).post(`/v1/form-requests/${requestId}/submit`).set(hospitalUser()).send({ templateVersion: 1, answers });

describe('the notification intake', () => {
  // 2 rate-limit counters (per client and per address, outside the transaction), then in one transaction:
  // Idempotency-Key lock and lookup, routing, the child's locks, the cases on record, the audit events, the reference
  // counter, the case, the notification, the SCR rules' read, the stored response, and BEGIN/COMMIT.
  it('when a new death is notified, then it takes at most 15 statements', async () => {
    const m = await measure(() => notify());
    expect(m.status).toBe(201);
    withinBudget(m, 15);
  });

  it('when a second notification joins the case, then at most 14 (no reference to take)', async () => {
    const body = notification(dir, { nhsNumber: nhsNumberFrom(4242) });
    expect((await notify(body)).status).toBe(201);
    const m = await measure(() => notify(body));
    expect([m.status, m.body.outcome]).toEqual([201, 'attached_to_existing_case']);
    withinBudget(m, 14);
  });

  it('when the notification names six agencies instead of one, then it sends exactly as many statements', async () => {
    const one = notification(dir, { nhsNumber: nhsNumberFrom(100) });
    one.agenciesInvolved = [{ agencyId: dir.hospitalId }];
    const six = notification(dir, { nhsNumber: nhsNumberFrom(200), givenName: 'Other', dateOfBirth: '2019-05-05' });
    const more = await Promise.all(['a', 'b', 'c'].map((n) => seedAgency(t.ds, `Agency ${n}`, 'education')));
    six.agenciesInvolved = [dir.hospitalId, dir.gpId, dir.policeId, ...more].map((agencyId) => ({ agencyId }));
    const a = await measure(() => notify(one));
    const b = await measure(() => notify(six));
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.statements.length).toBe(a.statements.length);
  });
});

describe('a form submission', () => {
  // BEGIN, the request (locked), the version's status (its schema is cached: immutable once published), the
  // submission, the request's status, the draft removed, the case-change hook (case locked, history entry), the SCR
  // rules' read, the audit event, COMMIT.
  it('when an agency submits the reporting form, then at most 11 statements', async () => {
    const caseId = (await notify()).body.caseId as string;
    // The first submission in a process also reads the template's schema once (templates.repository.ts).
    expect((await submit(await requestReportingForm(caseId), reportingAnswers())()).status).toBe(201);
    const second = (await notify()).body.caseId as string;
    const m = await measure(submit(await requestReportingForm(second), reportingAnswers()));
    expect(m.status).toBe(201);
    withinBudget(m, 11);
  });

  it('when the answers raise several SCR flags, then one statement more writes them all', async () => {
    const warm = (await notify()).body.caseId as string;
    expect((await submit(await requestReportingForm(warm), reportingAnswers())()).status).toBe(201);
    const quietCase = (await notify()).body.caseId as string;
    const firingCase = (await notify()).body.caseId as string;
    const quiet = await measure(submit(await requestReportingForm(quietCase), reportingAnswers()));
    const firing = await measure(submit(await requestReportingForm(firingCase), exampleAnswers(findTemplate('reporting')!)));
    expect([quiet.status, firing.status]).toEqual([201, 201]);
    const [{ n }] = await t.ds.query(`SELECT count(*)::int AS n FROM safeguarding_flags WHERE case_id = $1`, [firingCase]);
    expect(n).toBeGreaterThanOrEqual(3);
    expect(firing.statements.length).toBe(quiet.statements.length + 1);
  });
});

describe('reading cases', () => {
  it('when the list holds one case or fifteen, then it takes the same 4 statements (no statement per case)', async () => {
    await notify();
    const one = await measure(() => request(t.app).get('/v1/cases').set(coordinator.headers));
    for (let i = 0; i < 14; i++) expect((await notify()).status).toBe(201);
    const fifteen = await measure(() => request(t.app).get('/v1/cases?limit=50').set(coordinator.headers));
    expect([one.status, (one.body.items as unknown[]).length, fifteen.status, (fifteen.body.items as unknown[]).length]).toEqual([
      200, 1, 200, 15,
    ]);
    withinBudget(fifteen, 4);
    expect(fifteen.statements.length).toBe(one.statements.length);
  });

  it('when a coordinator opens a case, then at most 9 statements', async () => {
    const caseId = (await notify()).body.caseId as string;
    const m = await measure(() => request(t.app).get(`/v1/cases/${caseId}`).set(coordinator.headers));
    expect(m.status).toBe(200);
    withinBudget(m, 9);
  });
});

describe('plain CRUD', () => {
  it('when a coordinator adds an agency, then 4 statements: BEGIN, the row, its audit event, COMMIT', async () => {
    const m = await measure(() =>
      request(t.app)
        .post('/v1/agencies')
        .set(as(principal('cdop_coordinator')))
        .send({ name: 'Example Trust', type: 'hospital_trust' }),
    );
    expect(m.status).toBe(201);
    withinBudget(m, 4);
  });
});
