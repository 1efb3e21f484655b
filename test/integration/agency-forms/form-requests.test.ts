import request from 'supertest';
import { seedNationalTemplates } from '../../../src/modules/agency-forms';
import { exampleAnswers, findTemplate } from '../../../src/modules/agency-forms/catalogue';
import type { CaseChange, CaseChangeListener } from '../../../src/modules/cases';
import { addWorkingDays, londonDateOf } from '../../../src/platform/time';
import { startTestApp, type TestApp } from '../../support/app';
import { COMPLETE_LOCAL_ANSWERS, LOCAL_TEMPLATE, publishLocalTemplate } from '../../support/forms';
import { notification, nhsNumberFrom, seedDirectory, type Directory } from '../../support/notifications';
import { as, principal } from '../../support/principals';

// Who may do what with form requests:
// - CDOP coordinators of the case's panel: request, read, withdraw, waive (cases:write), save drafts and submit for an agency (forms:write);
// - the agency asked (its contributors, its systems with forms:read / forms:write): read, save drafts, submit, amend;
// - any other agency, panel members and chairs, auditors: the request does not exist (404) or the operation is forbidden (403);
// - anonymous: 401.

let t: TestApp;
let dir: Directory;
const seen: CaseChange[] = [];
/** Records every case change, and fails one on demand: proves listeners run inside the command's transaction. */
let failNext: string | null = null;
const listener: CaseChangeListener = {
  name: 'test-recorder',
  async onCaseChange(tx, change) {
    if (failNext === change.kind) {
      failNext = null;
      throw new Error('listener refused the change');
    }
    // Inside the transaction, the change's own rows are visible.
    if (change.kind === 'form_submitted') {
      const [row] = await tx.query(`SELECT count(*)::int AS n FROM form_submissions WHERE request_id = $1`, [change.requestId]);
      if (row.n !== change.revision) throw new Error('listener ran outside the submission’s transaction');
    }
    seen.push(change);
  },
};

beforeAll(async () => {
  t = await startTestApp({}, { caseChangeListeners: [listener] });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  dir = await seedDirectory(t.ds);
  await publishLocalTemplate(t.app);
  await seedNationalTemplates(t.ds);
  seen.length = 0;
  failNext = null;
});

const coordinator = () => as(principal('cdop_coordinator', { panelIds: [dir.panelId] }));
const hospitalUser = () => as(principal('agency_contributor', { agencyId: dir.hospitalId }));
const gpUser = () => as(principal('agency_contributor', { agencyId: dir.gpId }));

let seq = 0;
async function openCase(): Promise<string> {
  seq++;
  const res = await request(t.app)
    .post('/v1/notifications')
    .set(as(principal('hospital_system', { agencyId: dir.hospitalId })))
    .set('Idempotency-Key', `forms-${seq}-${Date.now()}`)
    .send(notification(dir, { nhsNumber: nhsNumberFrom(7000 + seq * 31), givenName: `Forms${'x'.repeat(seq % 20)}` }));
  expect(res.status).toBe(201);
  return res.body.caseId;
}

async function requestLocal(caseId: string, agency: { agencyId?: string; agencyOdsCode?: string } = { agencyOdsCode: 'RWP' }) {
  return request(t.app)
    .post(`/v1/cases/${caseId}/form-requests`)
    .set(coordinator())
    .send({ ...agency, templateId: LOCAL_TEMPLATE.id, note: 'Please send by the due date.' });
}

const counts = async () =>
  (
    await t.ds.query(`SELECT (SELECT count(*) FROM form_submissions)::int AS submissions, (SELECT count(*) FROM form_drafts)::int AS drafts,
      (SELECT coalesce(sum(version), 0) FROM form_requests)::int AS versions`)
  )[0];

describe('requesting a form', () => {
  it('when a coordinator asks the hospital by ODS code, then 201 with the child named, a due date 15 working days on, and the case gathers information', async () => {
    const caseId = await openCase();
    const res = await requestLocal(caseId);
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v1/form-requests/${res.body.id}`);
    expect(res.headers.etag).toBe('"v1"');
    expect(res.body).toMatchObject({
      caseId,
      status: 'requested',
      agency: { id: dir.hospitalId, odsCode: 'RWP' },
      template: { id: LOCAL_TEMPLATE.id, version: 1 },
      dueDate: addWorkingDays(londonDateOf(new Date()), 15),
      overdue: false,
      revisions: 0,
      child: { familyName: 'Hartley' },
    });
    const kase = await request(t.app).get(`/v1/cases/${caseId}`).set(coordinator());
    expect(kase.body.status).toBe('gathering_information');
    expect(kase.body.deadlines.map((d: { ruleId: string }) => d.ruleId)).toContain('agency_reporting_forms_due');
    // The intake announces the notification it recorded (the SCR rules read it), then the request is announced.
    expect(seen.map((c) => c.kind)).toEqual(['notification_recorded', 'form_requested']);
  });

  it('when the same form is asked of the same agency twice, then 409; once the first is withdrawn, then it may be asked again', async () => {
    const caseId = await openCase();
    const first = await requestLocal(caseId);
    const again = await requestLocal(caseId, { agencyId: dir.hospitalId });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'FORM_REQUEST.ALREADY_REQUESTED', existingRequestId: first.body.id });
    const withdrawn = await request(t.app)
      .post(`/v1/form-requests/${first.body.id}/withdraw`)
      .set(coordinator())
      .send({ reason: 'Wrong trust' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', closedReason: 'Wrong trust' });
    expect((await requestLocal(caseId)).status).toBe(201);
  });

  it('when both or neither of agencyId and agencyOdsCode are given, an unknown agency or template, or a past due date, then 400 naming the field', async () => {
    const caseId = await openCase();
    const post = (body: object) => request(t.app).post(`/v1/cases/${caseId}/form-requests`).set(coordinator()).send(body);
    const both = await post({ agencyId: dir.hospitalId, agencyOdsCode: 'RWP', templateId: LOCAL_TEMPLATE.id });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].field).toBe('body.agencyId');
    expect((await post({ agencyOdsCode: 'ZZZ99', templateId: LOCAL_TEMPLATE.id })).body.errors[0].field).toBe('body.agencyOdsCode');
    expect((await post({ agencyOdsCode: 'RWP', templateId: 'no-such-form' })).body).toMatchObject({
      code: 'FORM_TEMPLATE.UNKNOWN',
      errors: [{ field: 'body.templateId' }],
    });
    expect((await post({ agencyOdsCode: 'RWP', templateId: LOCAL_TEMPLATE.id, dueDate: '2020-01-01' })).body.errors[0].field).toBe(
      'body.dueDate',
    );
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM form_requests`))[0].n).toBe(0);
  });

  it('when the caller is not a coordinator of the case, then 404 (another panel) or 403 (no cases:write)', async () => {
    const caseId = await openCase();
    const other = as(principal('cdop_coordinator', { panelIds: ['00000000-0000-4000-8000-000000000001'] }));
    const res = await request(t.app)
      .post(`/v1/cases/${caseId}/form-requests`)
      .set(other)
      .send({ agencyOdsCode: 'RWP', templateId: LOCAL_TEMPLATE.id });
    expect(res.status).toBe(404);
    const member = as(principal('panel_member', { panelIds: [dir.panelId] }));
    expect(
      (
        await request(t.app)
          .post(`/v1/cases/${caseId}/form-requests`)
          .set(member)
          .send({ agencyOdsCode: 'RWP', templateId: LOCAL_TEMPLATE.id })
      ).status,
    ).toBe(403);
    expect(
      (
        await request(t.app)
          .post(`/v1/cases/${caseId}/form-requests`)
          .set(hospitalUser())
          .send({ agencyOdsCode: 'RWP', templateId: LOCAL_TEMPLATE.id })
      ).status,
    ).toBe(403);
  });
});

describe('an agency sees only what was asked of it', () => {
  it('when another agency reads, saves a draft, submits or lists, then 404 / nothing; the agency asked sees its request', async () => {
    const caseId = await openCase();
    const { id } = (await requestLocal(caseId)).body;
    expect((await request(t.app).get(`/v1/form-requests/${id}`).set(gpUser())).status).toBe(404);
    expect(
      (
        await request(t.app)
          .put(`/v1/form-requests/${id}/draft`)
          .set(gpUser())
          .set('If-Match', '"v1"')
          .send({ templateVersion: 1, answers: {} })
      ).status,
    ).toBe(404);
    const submit = await request(t.app)
      .post(`/v1/form-requests/${id}/submit`)
      .set(gpUser())
      .send({ templateVersion: 1, answers: COMPLETE_LOCAL_ANSWERS });
    expect(submit.status).toBe(404);
    expect((await request(t.app).get('/v1/form-requests').set(gpUser())).body.items).toEqual([]);
    expect((await request(t.app).get(`/v1/form-requests/${id}/submissions`).set(gpUser())).status).toBe(404);

    const mine = await request(t.app).get('/v1/form-requests').set(hospitalUser());
    expect(mine.body.items.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await request(t.app).get(`/v1/form-requests/${id}`).set(hospitalUser())).status).toBe(200);
    expect(await counts()).toMatchObject({ submissions: 0, drafts: 0 });
  });

  it('when a panel member, an auditor or anonymous asks, then 404 / 403 / 401', async () => {
    const caseId = await openCase();
    const { id } = (await requestLocal(caseId)).body;
    expect(
      (
        await request(t.app)
          .get(`/v1/form-requests/${id}`)
          .set(as(principal('panel_member', { panelIds: [dir.panelId] })))
      ).status,
    ).toBe(404);
    expect(
      (
        await request(t.app)
          .get(`/v1/form-requests/${id}`)
          .set(as(principal('auditor')))
      ).status,
    ).toBe(403);
    expect((await request(t.app).get(`/v1/form-requests/${id}`)).status).toBe(401);
  });
});

describe('drafts', () => {
  it('needs If-Match (428 without, 412 stale) and keeps partial answers until submitted', async () => {
    const caseId = await openCase();
    const { id } = (await requestLocal(caseId)).body;
    const put = (etag: string | null, answers: object) => {
      const r = request(t.app).put(`/v1/form-requests/${id}/draft`).set(hospitalUser());
      if (etag) r.set('If-Match', etag);
      return r.send({ templateVersion: 1, answers });
    };
    expect((await put(null, { senSupport: 'yes' })).status).toBe(428);
    const saved = await put('"v1"', { senSupport: 'yes' });
    expect(saved.status).toBe(200);
    expect(saved.headers.etag).toBe('"v2"');
    expect(saved.body.draft).toMatchObject({ templateVersion: 1, answers: { senSupport: 'yes' } });
    expect((await put('"v1"', { senSupport: 'no' })).status).toBe(412);
    const read = await request(t.app).get(`/v1/form-requests/${id}`).set(hospitalUser());
    expect(read.body.draft.answers).toEqual({ senSupport: 'yes' });
    const bad = await put('"v2"', {});
    expect(bad.status).toBe(200);
    const wrongVersion = await request(t.app)
      .put(`/v1/form-requests/${id}/draft`)
      .set(hospitalUser())
      .set('If-Match', '"v3"')
      .send({ templateVersion: 7, answers: {} });
    expect(wrongVersion.body.errors[0].field).toBe('body.templateVersion');
  });
});

describe('submitting', () => {
  it('when answers fail the form, then 400 with every failing field at once and nothing stored', async () => {
    const caseId = await openCase();
    const { id } = (await requestLocal(caseId)).body;
    const before = await counts();
    const res = await request(t.app)
      .post(`/v1/form-requests/${id}/submit`)
      .set(hospitalUser())
      .send({ templateVersion: 1, answers: { attendanceConcerns: 'maybe', lastAttendedOn: '2026-02-30', extra: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('FORM.ANSWERS_INVALID');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'body.answers.attendanceConcerns',
        'body.answers.lastAttendedOn',
        'body.answers.senSupport',
        'body.answers.notes',
        'body.answers.extra',
      ]),
    );
    expect(await counts()).toEqual(before);
    expect(seen.filter((c) => c.kind === 'form_submitted')).toEqual([]);
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'form.submit'`))[0].n).toBe(0);
  });

  it('when valid, then revision 1 with its completeness; an amendment needs a reason and adds revision 2; both stay readable', async () => {
    const caseId = await openCase();
    const { id } = (await requestLocal(caseId)).body;
    await request(t.app)
      .put(`/v1/form-requests/${id}/draft`)
      .set(hospitalUser())
      .set('If-Match', '"v1"')
      .send({ templateVersion: 1, answers: {} });
    const first = await request(t.app)
      .post(`/v1/form-requests/${id}/submit`)
      .set(hospitalUser())
      .send({ templateVersion: 1, answers: COMPLETE_LOCAL_ANSWERS });
    expect(first.status).toBe(201);
    expect(first.headers.location).toBe(`/v1/form-requests/${id}/submissions/1`);
    expect(first.body).toMatchObject({
      revision: 1,
      amendmentReason: null,
      completeness: { questions: 4, answered: 3, notKnown: 1, notApplicable: 0, share: 0.75 },
    });
    expect((await counts()).drafts).toBe(0);

    const noReason = await request(t.app)
      .post(`/v1/form-requests/${id}/submit`)
      .set(hospitalUser())
      .send({ templateVersion: 1, answers: COMPLETE_LOCAL_ANSWERS });
    expect(noReason.body.errors[0].field).toBe('body.amendmentReason');
    const amended = await request(t.app)
      .post(`/v1/form-requests/${id}/submit`)
      .set(hospitalUser())
      .send({ templateVersion: 1, answers: { ...COMPLETE_LOCAL_ANSWERS, senSupport: 'yes' }, amendmentReason: 'SEN record found' });
    expect(amended.status).toBe(201);
    expect(amended.body.revision).toBe(2);

    const list = await request(t.app).get(`/v1/form-requests/${id}/submissions`).set(coordinator());
    expect(list.body.items.map((s: { revision: number }) => s.revision)).toEqual([1, 2]);
    const r1 = await request(t.app).get(`/v1/form-requests/${id}/submissions/1`).set(coordinator());
    expect(r1.body.answers.senSupport).toBe('not_known');
    const state = await request(t.app).get(`/v1/form-requests/${id}`).set(coordinator());
    expect(state.body).toMatchObject({ status: 'submitted', revisions: 2, completeness: { share: 1 } });
    expect(seen.filter((c) => c.kind === 'form_submitted').map((c) => (c as { revision: number }).revision)).toEqual([1, 2]);
    const history = await request(t.app).get(`/v1/cases/${caseId}/history`).set(coordinator());
    expect(history.body.items.map((h: { action: string }) => h.action)).toEqual(expect.arrayContaining(['form_submitted']));
    await expect(t.ds.query(`UPDATE form_submissions SET answers = '{}'`)).rejects.toThrow(/append-only/);
  });

  it('when a case-change listener fails, then the submission is not stored (it runs inside the transaction)', async () => {
    const caseId = await openCase();
    const { id } = (await requestLocal(caseId)).body;
    failNext = 'form_submitted';
    const res = await request(t.app)
      .post(`/v1/form-requests/${id}/submit`)
      .set(hospitalUser())
      .send({ templateVersion: 1, answers: COMPLETE_LOCAL_ANSWERS });
    expect(res.status).toBe(500);
    expect(await counts()).toMatchObject({ submissions: 0 });
    expect((await request(t.app).get(`/v1/form-requests/${id}`).set(hospitalUser())).body.status).toBe('requested');
  });

  it('when an agency system submits, then it must send an Idempotency-Key, and the same key answers the first response once', async () => {
    const caseId = await openCase();
    const { id } = (await requestLocal(caseId)).body;
    const system = as(principal('hospital_system', { agencyId: dir.hospitalId }));
    const body = { templateVersion: 1, answers: COMPLETE_LOCAL_ANSWERS };
    const noKey = await request(t.app).post(`/v1/form-requests/${id}/submit`).set(system).send(body);
    expect(noKey.body.code).toBe('IDEMPOTENCY.KEY_REQUIRED');
    const a = await request(t.app).post(`/v1/form-requests/${id}/submit`).set(system).set('Idempotency-Key', 'submit-key-1').send(body);
    const b = await request(t.app).post(`/v1/form-requests/${id}/submit`).set(system).set('Idempotency-Key', 'submit-key-1').send(body);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.body).toEqual(a.body);
    expect((await counts()).submissions).toBe(1);
  });

  it('when the request was waived, then no submission (409) and the case may be ready for panel', async () => {
    const caseId = await openCase();
    const { id } = (await requestLocal(caseId)).body;
    const blocked = await request(t.app).post(`/v1/cases/${caseId}/actions`).set(coordinator()).send({ action: 'mark_ready_for_panel' });
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({
      code: 'CASE.INFORMATION_OUTSTANDING',
      outstanding: [{ requestId: id, agencyId: dir.hospitalId, templateId: LOCAL_TEMPLATE.id }],
    });
    // Only the case's coordinators settle a request: not the agency asked (no cases:write), not a coordinator of another panel.
    expect((await request(t.app).post(`/v1/form-requests/${id}/waive`).set(hospitalUser()).send({ reason: 'x' })).status).toBe(403);
    const elsewhere = as(principal('cdop_coordinator', { panelIds: ['00000000-0000-4000-8000-000000000001'] }));
    expect((await request(t.app).post(`/v1/form-requests/${id}/withdraw`).set(elsewhere).send({ reason: 'x' })).status).toBe(404);
    const waived = await request(t.app).post(`/v1/form-requests/${id}/waive`).set(coordinator()).send({ reason: 'No record of the child' });
    expect(waived.body.status).toBe('waived');
    const late = await request(t.app)
      .post(`/v1/form-requests/${id}/submit`)
      .set(hospitalUser())
      .send({ templateVersion: 1, answers: COMPLETE_LOCAL_ANSWERS });
    expect(late.body.code).toBe('FORM_REQUEST.CLOSED');
    expect((await request(t.app).post(`/v1/form-requests/${id}/withdraw`).set(coordinator()).send({ reason: 'x' })).body.code).toBe(
      'FORM_REQUEST.NOT_OUTSTANDING',
    );
    const ready = await request(t.app).post(`/v1/cases/${caseId}/actions`).set(coordinator()).send({ action: 'mark_ready_for_panel' });
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready_for_panel');
  });
});

describe('the case’s information state', () => {
  it('counts requests and suggests the reporting form from every agency on the case', async () => {
    const caseId = await openCase();
    await requestLocal(caseId);
    const res = await request(t.app).get(`/v1/cases/${caseId}/forms`).set(coordinator());
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ outstanding: 1, overdue: 0, submitted: 0, waived: 0, withdrawn: 0 });
    const reporting = res.body.suggestions.filter((s: { templateId: string }) => s.templateId === 'reporting');
    expect(reporting.map((s: { agency: { id: string } }) => s.agency.id).sort()).toEqual([dir.hospitalId, dir.gpId, dir.policeId].sort());
    expect((await request(t.app).get(`/v1/cases/${caseId}/forms`).set(hospitalUser())).status).toBe(403);
  });

  it('suggests the SUDI form from the hospital that notified an unexpected infant death, and drops a suggestion once requested', async () => {
    const caseId = await openCase();
    const before = await request(t.app).get(`/v1/cases/${caseId}/forms`).set(coordinator());
    const sudi = before.body.suggestions.filter((s: { templateId: string }) => s.templateId === 'sudi');
    expect(sudi).toEqual([expect.objectContaining({ agency: expect.objectContaining({ id: dir.hospitalId }) })]);
    await request(t.app)
      .post(`/v1/cases/${caseId}/form-requests`)
      .set(coordinator())
      .send({ agencyId: dir.hospitalId, templateId: 'sudi' });
    const after = await request(t.app).get(`/v1/cases/${caseId}/forms`).set(coordinator());
    expect(after.body.suggestions.filter((s: { templateId: string }) => s.templateId === 'sudi')).toEqual([]);
  });
});

describe('the national reporting form', () => {
  it('when requested and submitted complete (some answers not known), then stored with the national completeness', async () => {
    const caseId = await openCase();
    const requested = await request(t.app)
      .post(`/v1/cases/${caseId}/form-requests`)
      .set(coordinator())
      .send({ agencyOdsCode: 'RWP', templateId: 'reporting' });
    expect(requested.status).toBe(201);
    const definition = findTemplate('reporting')!;
    const answers = exampleAnswers(definition, { notKnownEvery: 10 });
    const res = await request(t.app)
      .post(`/v1/form-requests/${requested.body.id}/submit`)
      .set(hospitalUser())
      .send({ templateVersion: definition.version, answers });
    expect(res.status).toBe(201);
    const { questions, answered, notKnown, notApplicable } = res.body.completeness;
    expect(questions).toBeGreaterThanOrEqual(100);
    expect(notKnown).toBeGreaterThan(0);
    expect(answered + notKnown + notApplicable).toBe(questions);
    const read = await request(t.app).get(`/v1/form-requests/${requested.body.id}/submissions/1`).set(coordinator());
    expect(read.body.answers).toEqual(answers);
  });
});
