import request from 'supertest';
import { inTransaction } from '../../../src/platform/db/transaction';
import { openFamilyQuestions } from '../../../src/modules/family';
import { londonDateOf } from '../../../src/platform/time';
import { startTestApp, type TestApp } from '../../support/app';
import { insertCase, seedCaseWorld, type CaseWorld } from '../../support/cases';
import { as, principal } from '../../support/principals';

// Who may do what with the family of a case:
// - CDOP coordinators of the case's panel: read and record the key worker and bereavement support (family:read /
//   family:write), read and record contacts, add the family's questions, list and answer them;
// - panel chairs and members of the case's panel: list the questions (reviews:read) and answer them (reviews:write);
//   never the key worker, the support or the contacts (they lack family:read / family:write: 403);
// - a coordinator or member of another panel: the case does not exist (404);
// - agency contributors, systems, auditors, administrators: 403 on every operation; anonymous: 401.

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

// Canary personal data: none of it may reach the audit trail or the log.
const PHONE = '07700 900461';
const EMAIL = 'canary.keyworker@family.example';
const KEY_WORKER_NAME = 'Quillon Fenwright';
const SUMMARY = 'Visited Mrs Zephyrine Canary at home; she asked about the ambulance.';
const QUESTION = 'Why did the Zephyrine ambulance take so long?';
const ANSWER = 'The Zephyrine answer: it arrived within the national standard.';
const CANARIES = [PHONE, EMAIL, KEY_WORKER_NAME, SUMMARY, 'Zephyrine', QUESTION, ANSWER];

const coordinator = () => as(principal('cdop_coordinator', { panelIds: [w.panels.wor.id] }));
const member = () => as(principal('panel_member', { panelIds: [w.panels.wor.id] }));
const chair = () => as(principal('panel_chair', { panelIds: [w.panels.wor.id] }));
const otherCoordinator = () => as(principal('cdop_coordinator', { panelIds: [w.panels.her.id] }));
const otherMember = () => as(principal('panel_member', { panelIds: [w.panels.her.id] }));
const contributor = () => as(principal('agency_contributor', { agencyId: w.agencies.hospital }));

const worCase = (status: Parameters<typeof insertCase>[1]['status'] = 'scheduled_for_panel') =>
  insertCase(t.ds, { panelId: w.panels.wor.id, notifierAgencyId: w.agencies.hospital, nhsNumber: null, status });

const today = () => londonDateOf(new Date());
const familyBody = (over: Record<string, unknown> = {}) => ({
  keyWorker: {
    name: KEY_WORKER_NAME,
    role: 'Specialist bereavement nurse',
    agency: 'Worcestershire Acute Hospitals',
    phone: PHONE,
    email: EMAIL,
  },
  bereavementSupport: { offered: 'yes', offeredOn: today(), agency: 'Worcestershire Acute Hospitals' },
  ...over,
});
const contactBody = (over: Record<string, unknown> = {}) => ({
  contactedOn: today(),
  method: 'visit',
  byAgency: 'Worcestershire Acute Hospitals',
  byRole: 'Key worker',
  summary: SUMMARY,
  ...over,
});

const putFamily = (caseId: string, body: object, who = coordinator(), ifMatch?: string) => {
  const req = request(t.app).put(`/v1/cases/${caseId}/family`).set(who);
  if (ifMatch) req.set('If-Match', ifMatch);
  return req.send(body);
};
const addQuestion = (caseId: string, question = QUESTION, who = coordinator()) =>
  request(t.app).post(`/v1/cases/${caseId}/family/questions`).set(who).send({ question });
const answer = (caseId: string, questionId: string, text = ANSWER, who = member()) =>
  request(t.app).put(`/v1/cases/${caseId}/family/questions/${questionId}/answer`).set(who).send({ answer: text });

const familyRows = async () =>
  (
    await t.ds
      .query(`SELECT (SELECT count(*) FROM case_family)::int AS family, (SELECT count(*) FROM case_family_contacts)::int AS contacts,
      (SELECT count(*) FROM case_family_questions)::int AS questions, (SELECT coalesce(sum(version), 0) FROM case_family)::int AS versions,
      (SELECT coalesce(sum(answer_revision), 0) FROM case_family_questions)::int AS answers`)
  )[0];
const auditOf = async (caseId: string) =>
  (await t.ds.query(
    `SELECT action, outcome, reason, details FROM audit_events WHERE resource_type = 'case' AND resource_id = $1 ORDER BY occurred_at, id`,
    [caseId],
  )) as { action: string; outcome: string; reason: string | null; details: Record<string, unknown> | null }[];

describe('the key worker and bereavement support', () => {
  it('when nothing is recorded, then GET answers no key worker, support not known, and the ETag "v0"', async () => {
    const c = await worCase();
    const res = await request(t.app).get(`/v1/cases/${c.id}/family`).set(coordinator());
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"v0"');
    expect(res.body).toEqual({
      caseId: c.id,
      keyWorker: null,
      bereavementSupport: { offered: 'not_known', offeredOn: null, agency: null },
      updatedAt: null,
    });
  });

  it('when a coordinator records them, then the first PUT needs no If-Match, later ones do (428 without, 412 stale), and GET reads them back', async () => {
    const c = await worCase();
    const first = await putFamily(c.id, familyBody());
    expect(first.status).toBe(200);
    expect(first.headers.etag).toBe('"v1"');
    expect(first.body).toMatchObject({ caseId: c.id, keyWorker: { name: KEY_WORKER_NAME, phone: PHONE, email: EMAIL } });

    const noIfMatch = await putFamily(c.id, familyBody());
    expect(noIfMatch.status).toBe(428);
    const stale = await putFamily(c.id, familyBody(), coordinator(), '"v0"');
    expect(stale.status).toBe(412);
    expect((await familyRows()).versions).toBe(1);

    const second = await putFamily(
      c.id,
      familyBody({ keyWorker: { name: KEY_WORKER_NAME, role: 'Key worker', phone: null, email: EMAIL } }),
      coordinator(),
      first.headers.etag,
    );
    expect(second.status).toBe(200);
    expect(second.headers.etag).toBe('"v2"');

    const read = await request(t.app).get(`/v1/cases/${c.id}/family`).set(coordinator());
    expect(read.headers.etag).toBe('"v2"');
    expect(read.body).toMatchObject({
      keyWorker: { name: KEY_WORKER_NAME, role: 'Key worker', agency: null, phone: null, email: EMAIL },
      bereavementSupport: { offered: 'yes', offeredOn: today(), agency: 'Worcestershire Acute Hospitals' },
    });
    expect(Date.parse(read.body.updatedAt)).not.toBeNaN();
  });

  it('when a record is first saved with If-Match "v0", then it is accepted; a second first save with "v0" is stale (412)', async () => {
    const c = await worCase();
    expect((await putFamily(c.id, familyBody(), coordinator(), '"v0"')).status).toBe(200);
    expect((await putFamily(c.id, familyBody(), coordinator(), '"v0"')).status).toBe(412);
  });

  it('when the body is invalid (bad e-mail, impossible or future date, support not offered with a date, no way to reach the key worker), then 400 naming the field and nothing is written', async () => {
    const c = await worCase();
    const cases: [object, string][] = [
      [familyBody({ keyWorker: { name: 'A', role: 'B', email: 'not-an-email' } }), 'body.keyWorker.email'],
      [familyBody({ bereavementSupport: { offered: 'yes', offeredOn: '2026-02-30' } }), 'body.bereavementSupport.offeredOn'],
      [familyBody({ bereavementSupport: { offered: 'yes', offeredOn: '2999-01-01' } }), 'body.bereavementSupport.offeredOn'],
      [familyBody({ bereavementSupport: { offered: 'no', offeredOn: today() } }), 'body.bereavementSupport.offeredOn'],
      [familyBody({ bereavementSupport: { offered: 'declined' } }), 'body.bereavementSupport.offeredOn'],
      [familyBody({ bereavementSupport: { offered: 'maybe' } }), 'body.bereavementSupport.offered'],
      [familyBody({ keyWorker: { name: 'A', role: 'B' } }), 'body.keyWorker.phone'],
      [familyBody({ keyWorker: { name: 'A', role: 'B', phone: 'call me' } }), 'body.keyWorker.phone'],
      [familyBody({ keyWorker: { name: '   ', role: 'B', phone: PHONE } }), 'body.keyWorker.name'],
    ];
    for (const [body, field] of cases) {
      const res = await putFamily(c.id, body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      // The problem names the field, never the value.
      expect(JSON.stringify(res.body)).not.toContain(PHONE);
    }
    expect(await familyRows()).toEqual({ family: 0, contacts: 0, questions: 0, versions: 0, answers: 0 });
  });

  it('when support was not offered and no key worker is named yet, then that is recorded', async () => {
    const c = await worCase();
    const res = await putFamily(c.id, { bereavementSupport: { offered: 'no' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ keyWorker: null, bereavementSupport: { offered: 'no', offeredOn: null, agency: null } });
  });

  it('when a panel member or chair asks for the key worker or writes it, then 403; another panel’s coordinator 404; an agency contributor 403; anonymous 401', async () => {
    const c = await worCase();
    await putFamily(c.id, familyBody());
    for (const who of [member(), chair()]) {
      const read = await request(t.app).get(`/v1/cases/${c.id}/family`).set(who);
      expect(read.status).toBe(403);
      expect(JSON.stringify(read.body)).not.toContain(PHONE);
      expect((await putFamily(c.id, familyBody(), who)).status).toBe(403);
    }
    const other = await request(t.app).get(`/v1/cases/${c.id}/family`).set(otherCoordinator());
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('CASE.NOT_FOUND');
    expect((await putFamily(c.id, familyBody(), otherCoordinator())).status).toBe(404);
    expect((await request(t.app).get(`/v1/cases/${c.id}/family`).set(contributor())).status).toBe(403);
    expect((await putFamily(c.id, familyBody(), contributor())).status).toBe(403);
    expect((await request(t.app).get(`/v1/cases/${c.id}/family`)).status).toBe(401);
    expect((await familyRows()).versions).toBe(1);
  });
});

describe('contacts with the family', () => {
  it('when a coordinator records contacts, then they are listed oldest first, and they can never be changed', async () => {
    const c = await worCase();
    const later = await request(t.app).post(`/v1/cases/${c.id}/family/contacts`).set(coordinator()).send(contactBody());
    expect(later.status).toBe(201);
    expect(later.body).toMatchObject({ caseId: c.id, method: 'visit', summary: SUMMARY, recordedBy: { type: 'user' } });
    const earlier = await request(t.app)
      .post(`/v1/cases/${c.id}/family/contacts`)
      .set(coordinator())
      .send(contactBody({ contactedOn: '2026-01-05', method: 'phone', byAgency: null, summary: 'Phoned to introduce the key worker.' }));
    expect(earlier.status).toBe(201);
    const list = await request(t.app).get(`/v1/cases/${c.id}/family/contacts`).set(coordinator());
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([earlier.body.id, later.body.id]);
    await expect(t.ds.query(`UPDATE case_family_contacts SET summary = 'x'`)).rejects.toThrow(/never changed/);
    await expect(t.ds.query(`DELETE FROM case_family_contacts`)).rejects.toThrow(/never changed/);
  });

  it('when the contact is invalid (bad date, future date, unknown method, blank summary), then 400 naming the field and nothing is written', async () => {
    const c = await worCase();
    const cases: [object, string][] = [
      [contactBody({ contactedOn: '05/01/2026' }), 'body.contactedOn'],
      [contactBody({ contactedOn: '2026-13-01' }), 'body.contactedOn'],
      [contactBody({ contactedOn: '2999-01-01' }), 'body.contactedOn'],
      [contactBody({ method: 'carrier_pigeon' }), 'body.method'],
      [contactBody({ summary: '  ' }), 'body.summary'],
      [{ contactedOn: today(), method: 'visit', summary: 'x' }, 'body.byRole'],
    ];
    for (const [body, field] of cases) {
      const res = await request(t.app).post(`/v1/cases/${c.id}/family/contacts`).set(coordinator()).send(body);
      expect({ field, status: res.status }).toEqual({ field, status: 400 });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await familyRows()).contacts).toBe(0);
  });

  it('when a panel member or chair reads or records contacts, then 403; another panel’s coordinator 404; an agency contributor 403', async () => {
    const c = await worCase();
    await request(t.app).post(`/v1/cases/${c.id}/family/contacts`).set(coordinator()).send(contactBody());
    for (const who of [member(), chair(), contributor()]) {
      const read = await request(t.app).get(`/v1/cases/${c.id}/family/contacts`).set(who);
      expect(read.status).toBe(403);
      expect(JSON.stringify(read.body)).not.toContain('Zephyrine');
      expect((await request(t.app).post(`/v1/cases/${c.id}/family/contacts`).set(who).send(contactBody())).status).toBe(403);
    }
    expect((await request(t.app).get(`/v1/cases/${c.id}/family/contacts`).set(otherCoordinator())).status).toBe(404);
    expect((await request(t.app).post(`/v1/cases/${c.id}/family/contacts`).set(otherCoordinator()).send(contactBody())).status).toBe(404);
    expect((await familyRows()).contacts).toBe(1);
  });
});

describe("the family's questions", () => {
  it('when a coordinator adds questions, then a panel member lists them, answers one and revises the answer; the open ones are what sign-off sees', async () => {
    const c = await worCase();
    const q1 = await addQuestion(c.id);
    expect(q1.status).toBe(201);
    expect(q1.body).toMatchObject({ caseId: c.id, question: QUESTION, answer: null, addedBy: { type: 'user' } });
    const q2 = await addQuestion(c.id, 'Was safe sleeping advice given?');
    expect(q2.status).toBe(201);

    const listed = await request(t.app).get(`/v1/cases/${c.id}/family/questions`).set(member());
    expect(listed.status).toBe(200);
    expect(listed.body.open).toBe(2);
    expect(listed.body.items.map((q: { id: string }) => q.id)).toEqual([q1.body.id, q2.body.id]);

    const answered = await answer(c.id, q1.body.id);
    expect(answered.status).toBe(200);
    expect(answered.body.answer).toMatchObject({ text: ANSWER, revision: 1, answeredBy: { type: 'user' } });
    const revised = await answer(c.id, q1.body.id, 'A better answer.', chair());
    expect(revised.status).toBe(200);
    expect(revised.body.answer).toMatchObject({ text: 'A better answer.', revision: 2 });

    const after = await request(t.app).get(`/v1/cases/${c.id}/family/questions`).set(chair());
    expect(after.body.open).toBe(1);
    expect(await inTransaction(t.ds, (tx) => openFamilyQuestions(tx, c.id))).toEqual([{ id: q2.body.id }]);
    // The question itself never changes, and is never removed.
    await expect(t.ds.query(`UPDATE case_family_questions SET question = 'x'`)).rejects.toThrow(/never changes/);
    await expect(t.ds.query(`DELETE FROM case_family_questions`)).rejects.toThrow(/never removed/);
  });

  it('when the review is signed off (case reviewed or closed), then questions can be neither added nor answered (409) and nothing is written', async () => {
    const c = await worCase('ready_for_panel');
    const q = await addQuestion(c.id);
    await t.ds.query(`UPDATE cases SET status = 'reviewed' WHERE id = $1`, [c.id]);
    const added = await addQuestion(c.id);
    expect(added.status).toBe(409);
    expect(added.body.code).toBe('FAMILY.REVIEW_SIGNED_OFF');
    const answered = await answer(c.id, q.body.id);
    expect(answered.status).toBe(409);
    expect(answered.body.code).toBe('FAMILY.REVIEW_SIGNED_OFF');
    expect(await familyRows()).toMatchObject({ questions: 1, answers: 0 });
    // Still readable by the panel.
    expect((await request(t.app).get(`/v1/cases/${c.id}/family/questions`).set(member())).body.open).toBe(1);
  });

  it('when the question or answer is blank, or the question is unknown or of another case, then 400 / 404 and nothing is written', async () => {
    const c = await worCase();
    const other = await worCase();
    const q = await addQuestion(other.id);
    const blank = await addQuestion(c.id, '   ');
    expect(blank.status).toBe(400);
    expect(blank.body.errors[0].field).toBe('body.question');
    expect((await answer(c.id, q.body.id, ' ')).status).toBe(400);
    const wrongCase = await answer(c.id, q.body.id);
    expect(wrongCase.status).toBe(404);
    expect(wrongCase.body.code).toBe('FAMILY.QUESTION_NOT_FOUND');
    expect((await answer(c.id, '6f1c1f0e-9c1a-4b7e-9d1e-2a7f7b8c9d0e')).status).toBe(404);
    expect(await familyRows()).toMatchObject({ questions: 1, answers: 0 });
  });

  it('when callers outside the case’s panel or without the permission try, then 404 or 403', async () => {
    const c = await worCase();
    const q = await addQuestion(c.id);
    // Members and chairs may not add questions (family:write).
    expect((await addQuestion(c.id, QUESTION, member())).status).toBe(403);
    expect((await addQuestion(c.id, QUESTION, chair())).status).toBe(403);
    for (const who of [otherCoordinator(), otherMember()]) {
      expect((await request(t.app).get(`/v1/cases/${c.id}/family/questions`).set(who)).status).toBe(404);
      expect((await answer(c.id, q.body.id, ANSWER, who)).status).toBe(404);
    }
    expect((await addQuestion(c.id, QUESTION, otherCoordinator())).status).toBe(404);
    expect((await request(t.app).get(`/v1/cases/${c.id}/family/questions`).set(contributor())).status).toBe(403);
    expect((await answer(c.id, q.body.id, ANSWER, contributor())).status).toBe(403);
    expect((await addQuestion(c.id, QUESTION, contributor())).status).toBe(403);
    expect(await familyRows()).toMatchObject({ questions: 1, answers: 0 });
  });
});

describe('the audit trail', () => {
  it('when the family is read and written, then every read and write is audited with ids and field names only, and no personal data reaches the audit trail or the log', async () => {
    const c = await worCase();
    const put = await putFamily(c.id, familyBody());
    await request(t.app).get(`/v1/cases/${c.id}/family`).set(coordinator());
    const contact = await request(t.app).post(`/v1/cases/${c.id}/family/contacts`).set(coordinator()).send(contactBody());
    await request(t.app).get(`/v1/cases/${c.id}/family/contacts`).set(coordinator());
    const q = await addQuestion(c.id);
    await request(t.app).get(`/v1/cases/${c.id}/family/questions`).set(member());
    await answer(c.id, q.body.id);
    await putFamily(c.id, { bereavementSupport: familyBody().bereavementSupport }, coordinator(), put.headers.etag);
    // A refusal is audited too (another panel's coordinator: the case is not theirs to see).
    await request(t.app).get(`/v1/cases/${c.id}/family`).set(otherCoordinator());

    const events = await auditOf(c.id);
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ['case.family.updated', 'success'],
      ['case.family.read', 'success'],
      ['case.family.contact_recorded', 'success'],
      ['case.family.read', 'success'],
      ['case.family.question_added', 'success'],
      ['case.family.read', 'success'],
      ['case.family.question_answered', 'success'],
      ['case.family.updated', 'success'],
      ['case.family.read', 'failure'],
    ]);
    expect(events[0]!.details).toEqual({
      version: 1,
      changed: [
        'keyWorker.name',
        'keyWorker.role',
        'keyWorker.agency',
        'keyWorker.phone',
        'keyWorker.email',
        'bereavementSupport.offered',
        'bereavementSupport.offeredOn',
        'bereavementSupport.agency',
      ],
    });
    expect(events[2]!.details).toEqual({ contactId: contact.body.id, method: 'visit' });
    expect(events[4]!.details).toEqual({ questionId: q.body.id });
    expect(events[6]!.details).toEqual({ questionId: q.body.id, revision: 1 });
    expect(events[7]!.details).toEqual({
      version: 2,
      changed: ['keyWorker.name', 'keyWorker.role', 'keyWorker.agency', 'keyWorker.phone', 'keyWorker.email'],
    });
    expect(events[8]!.reason).toBe('CASE.NOT_FOUND');

    const rows = JSON.stringify(await t.ds.query(`SELECT * FROM audit_events`));
    const log = t.logLines.join('\n');
    for (const canary of CANARIES) {
      expect({ canary, inAudit: rows.includes(canary) }).toEqual({ canary, inAudit: false });
      expect({ canary, inLog: log.includes(canary) }).toEqual({ canary, inLog: false });
    }
  });
});
