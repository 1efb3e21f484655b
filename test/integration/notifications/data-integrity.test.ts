import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { notification, nhsNumberFrom, seedDirectory, type Directory } from '../../support/notifications';
import { as, principal } from '../../support/principals';

// Who may call POST /v1/notifications: see notifications.test.ts. This file holds the data-integrity rules of the
// intake (issue 10): NHS numbers that cannot be real, the same NHS number with other dates, times the clock change
// skips or repeats, what a receipt tells whom, agencies named by ODS code, references past 9999.

let t: TestApp;
let dir: Directory;
beforeAll(async () => {
  t = await startTestApp({ NHS_TEST_NUMBERS_ACCEPTED: 'false' });
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  dir = await seedDirectory(t.ds);
});

const coordinator = () => as(principal('cdop_coordinator', { panelIds: [dir.panelId] }));
const hospitalSystem = () => as(principal('hospital_system', { agencyId: dir.hospitalId }));
const count = async (table: string) => (await t.ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;
let keys = 0;
const post = (body: unknown, who = coordinator()) =>
  request(t.app)
    .post('/v1/notifications')
    .set(who)
    .set('Idempotency-Key', `integrity-${++keys}`)
    .send(body as object);

describe('NHS numbers that cannot be a real child’s', () => {
  it('when 0000000000 (which passes Modulus 11) is sent, then 400 names the field and nothing is written', async () => {
    const res = await post(notification(dir, { nhsNumber: '000 000 0000' }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: 'body.child.nhsNumber', message: expect.stringMatching(/all ten digits/), code: 'nhs_number_not_issuable' },
    ]);
    expect(await count('cases')).toBe(0);
  });

  it('when a number in the 999 test range is sent where test numbers are not accepted, then 400', async () => {
    const res = await post(notification(dir, { nhsNumber: '999 000 0018' }));
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'body.child.nhsNumber', code: 'nhs_number_test_range' });
  });

  it('when a Scottish CHI or a Northern Irish H&C number is sent, then it is accepted (a child from elsewhere in the UK can die in England)', async () => {
    expect((await post(notification(dir, { nhsNumber: '0101001002', familyName: 'Campbell' }))).status).toBe(201);
    expect((await post(notification(dir, { nhsNumber: '3200000015', familyName: 'Doherty' }))).status).toBe(201);
  });
});

describe('the same NHS number with other dates', () => {
  it('when a second child arrives with a case’s NHS number but another birth and death date, then a new case is flagged NHS_NUMBER_CONFLICT, never attached', async () => {
    const first = await post(notification(dir));
    const second = await post(
      notification(dir, { givenName: 'Oliver', familyName: 'Brennan', dateOfBirth: '2019-06-02', dateOfDeath: '2026-10-30' }),
    );
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ outcome: 'case_created', possibleDuplicateOf: [first.body.caseId] });
    expect(second.body.caseId).not.toBe(first.body.caseId);
    const [c] = await t.ds.query(`SELECT child_nhs_number, child_nhs_exception FROM cases WHERE id = $1`, [second.body.caseId]);
    expect(c).toEqual({ child_nhs_number: null, child_nhs_exception: 'nhs_number_conflict' });
    const flags = await t.ds.query(`SELECT type, related_case_id, evidence FROM case_flags WHERE case_id = $1`, [second.body.caseId]);
    expect(flags).toEqual([
      {
        type: 'NHS_NUMBER_CONFLICT',
        related_case_id: first.body.caseId,
        evidence: { matchedOn: ['nhs_number'], differences: ['date_of_birth', 'date_of_death'] },
      },
    ]);
    // The first case keeps its number and its one notification.
    expect(await t.ds.query(`SELECT count(*)::int AS n FROM notifications WHERE case_id = $1`, [first.body.caseId])).toEqual([{ n: 1 }]);
  });

  it('when only the date of death differs, then it is still a conflict; when the dates agree, the notification joins the case', async () => {
    const first = await post(notification(dir));
    const otherDeath = await post(notification(dir, { dateOfDeath: '2026-11-01' }));
    expect(otherDeath.body.outcome).toBe('case_created');
    const same = await post(notification(dir), hospitalSystem());
    expect(same.body).toMatchObject({ outcome: 'attached_to_existing_case', caseId: first.body.caseId });
  });

  it('when the coordinator finds it was the same child after all, then the conflicting case can be merged into the first', async () => {
    const first = await post(notification(dir));
    const second = await post(notification(dir, { dateOfBirth: '2025-03-15' }));
    const [flag] = await t.ds.query(`SELECT id FROM case_flags WHERE case_id = $1`, [second.body.caseId]);
    const merged = await request(t.app)
      .post(`/v1/cases/${second.body.caseId}/actions`)
      .set(coordinator())
      .send({ action: 'merge_duplicate', flagId: flag.id, targetCaseId: first.body.caseId });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ status: 'closed', mergedIntoCaseId: first.body.caseId });
  });

  it('when the conflict is open, then the case cannot be taken to panel until it is merged or dismissed', async () => {
    await post(notification(dir));
    const second = await post(notification(dir, { dateOfBirth: '2025-03-15' }));
    const view = await request(t.app).get(`/v1/cases/${second.body.caseId}`).set(coordinator());
    expect(view.body.flags).toEqual([
      expect.objectContaining({ type: 'NHS_NUMBER_CONFLICT', blocks: ['schedule_for_panel', 'record_panel_review', 'close'] }),
    ]);
  });
});

describe('times of death on the days the clocks change', () => {
  it('when the time did not happen (01:30 on the spring day), then 400 names body.death.timeOfDeath and nothing is written', async () => {
    const n = notification(dir, { dateOfDeath: '2026-03-29' });
    n.death.timeOfDeath = '01:30';
    const res = await post(n);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'body.death.timeOfDeath', code: 'nonexistent_local_time' })]);
    expect(await count('cases')).toBe(0);
  });

  it('when the time happened twice (01:30 on the autumn day), then the earlier instant is recorded and the receipt says so', async () => {
    const n = notification(dir, { dateOfDeath: '2026-10-25' });
    n.death.timeOfDeath = '01:30';
    const res = await post(n);
    expect(res.status).toBe(201);
    expect(res.body.timeOfDeathRecorded).toEqual({ instant: '2026-10-25T00:30:00.000Z', utcOffset: '+01:00', ambiguous: true });
    const [d] = await t.ds.query(`SELECT started_at FROM case_deadlines WHERE rule_id = 'notification_form_due'`);
    expect((d.started_at as Date).toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('when the time is an ordinary one, then the receipt records it unambiguously', async () => {
    const res = await post(notification(dir));
    expect(res.body.timeOfDeathRecorded).toEqual({ instant: '2026-11-02T04:30:00.000Z', utcOffset: '+00:00', ambiguous: false });
  });
});

describe('what a receipt tells whom', () => {
  it('when an agency system or agency contributor opens a possible duplicate, then its receipt names no other case; a coordinator’s does', async () => {
    const first = await post(notification(dir, { nhsNumber: null, givenName: 'John' }));
    const bySystem = await post(notification(dir, { nhsNumber: null, givenName: 'Jon' }), hospitalSystem());
    expect(bySystem.body).toMatchObject({ outcome: 'case_created', possibleDuplicateOf: [] });
    const contributor = as(principal('agency_contributor', { agencyId: dir.hospitalId }));
    const byContributor = await post(notification(dir, { nhsNumber: null, givenName: 'Johm' }), contributor);
    expect(byContributor.body.possibleDuplicateOf).toEqual([]);
    const byCoordinator = await post(notification(dir, { nhsNumber: null, givenName: 'Jonn' }));
    expect(byCoordinator.body.possibleDuplicateOf).toEqual(expect.arrayContaining([first.body.caseId, bySystem.body.caseId]));
  });
});

describe('agencies named by ODS code', () => {
  const byOds = () => {
    const n = notification(dir);
    n.notifier = { agencyOdsCode: 'RWP', name: 'Dr A Named' };
    n.agenciesInvolved = [{ agencyOdsCode: 'RWP', contactName: 'Dr A Named' }, { agencyOdsCode: 'M81001' }, { agencyId: dir.policeId }];
    return n;
  };

  it('when the notifier and agencies are named by ODS code, then they are resolved to the agencies', async () => {
    const res = await post(byOds(), hospitalSystem());
    expect(res.status).toBe(201);
    const agencies = await t.ds.query(`SELECT agency_id FROM case_agencies ORDER BY agency_id`);
    expect(agencies.map((a: { agency_id: string }) => a.agency_id).sort()).toEqual([dir.hospitalId, dir.gpId, dir.policeId].sort());
    expect(await t.ds.query(`SELECT notifier_agency_id FROM notifications`)).toEqual([{ notifier_agency_id: dir.hospitalId }]);
  });

  it('when an ODS code names no agency, or both an id and a code are given, or neither, then 400 names each field', async () => {
    const n = byOds();
    n.agenciesInvolved[1] = { agencyOdsCode: 'ZZZ99' };
    const unknown = await post(n);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      code: 'NOTIFICATION.UNKNOWN_AGENCY',
      errors: [{ field: 'body.agenciesInvolved[1].agencyOdsCode' }],
    });
    const both = byOds();
    both.notifier = { agencyId: dir.hospitalId, agencyOdsCode: 'RWP', name: 'Dr A Named' };
    both.agenciesInvolved[0] = { contactName: 'Nobody named' };
    const res = await post(both);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'body.agenciesInvolved[0].agencyId',
      'body.notifier.agencyOdsCode',
    ]);
    expect(await count('cases')).toBe(0);
  });

  it('when an agency system names another agency by ODS code as the notifier, then 400 NOTIFICATION.NOT_OWN_AGENCY', async () => {
    const n = byOds();
    n.notifier = { agencyOdsCode: 'M81001', name: 'Dr A Named' };
    const res = await post(n, hospitalSystem());
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'NOTIFICATION.NOT_OWN_AGENCY', errors: [{ field: 'body.notifier.agencyOdsCode' }] });
  });
});

describe('case references', () => {
  it('when a panel’s counter passes 9999 in a year, then references grow to five digits and later ones still work', async () => {
    const year = Number(new Date().toISOString().slice(0, 4));
    await t.ds.query(`INSERT INTO case_reference_counters (panel_id, year, last_number) VALUES ($1, $2, 9998)`, [dir.panelId, year]);
    const refs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post(notification(dir, { nhsNumber: nhsNumberFrom(7000 + i * 13), givenName: `Ref${'x'.repeat(i)}` }));
      expect(res.status).toBe(201);
      refs.push(res.body.caseReference as string);
    }
    expect(refs).toEqual([`WOR-${year}-9999`, `WOR-${year}-10000`, `WOR-${year}-10001`]);
  });
});

describe('Idempotency-Keys are stored as digests', () => {
  it('when a key carries text a caller chose, then the database holds only its SHA-256, and the key still replays', async () => {
    const key = 'Amelia.Hartley-9434765919';
    const system = hospitalSystem();
    const send = () => request(t.app).post('/v1/notifications').set(system).set('Idempotency-Key', key).send(notification(dir));
    const first = await send();
    const again = await send();
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const stored = await t.ds.query(`SELECT key FROM idempotency_keys`);
    expect(stored).toEqual([{ key: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });
});
