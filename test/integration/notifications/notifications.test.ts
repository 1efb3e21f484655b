import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { notification, nhsNumberFrom, seedDirectory, type Directory } from '../../support/notifications';
import { as, principal } from '../../support/principals';

// Who may call POST /v1/notifications (notifications:write):
// - CDOP coordinators, for any agency;
// - agency contributors and agency systems, on behalf of their own agency only
//   (systems must send an Idempotency-Key);
// - panel members, chairs and auditors: 403; anonymous: 401.

let t: TestApp;
let dir: Directory;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.reset();
  dir = await seedDirectory(t.ds);
});

const coordinator = () => as(principal('cdop_coordinator'));
const count = async (table: string) => (await t.ds.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n as number;
async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
const post = (body: unknown, who = coordinator(), key?: string) => {
  const r = request(t.app).post('/v1/notifications').set(who);
  if (key) r.set('Idempotency-Key', key);
  return r.send(body as object);
};
/**
 * As an agency system does: retries a 503 (the database busy: on a loaded 2-core machine a burst of 100 can wait
 * longer for a pooled connection than the acquire timeout) after its Retry-After, with the same Idempotency-Key.
 * Any other answer is final.
 */
async function postRetrying(body: unknown, who: Record<string, string>, key: string): Promise<Awaited<ReturnType<typeof post>>> {
  for (let attempt = 1; ; attempt++) {
    const res = await post(body, who, key);
    if (res.status !== 503 || attempt === 10) return res;
    await new Promise((r) => setTimeout(r, 100 * attempt));
  }
}

describe('authorization', () => {
  it('when anonymous, then 401; when a panel member, chair or auditor, then 403; nothing is written', async () => {
    expect((await request(t.app).post('/v1/notifications').send(notification(dir))).status).toBe(401);
    for (const role of ['panel_member', 'panel_chair', 'auditor'] as const) {
      expect((await post(notification(dir), as(principal(role)))).status).toBe(403);
    }
    expect(await count('cases')).toBe(0);
  });

  it('when an agency contributor notifies for their own agency, then 201; for another agency, then 400', async () => {
    const own = as(principal('agency_contributor', { agencyId: dir.hospitalId }));
    expect((await post(notification(dir), own)).status).toBe(201);
    const other = await post(notification(dir, { nhsNumber: nhsNumberFrom(5) }, dir.gpId), own);
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ code: 'NOTIFICATION.NOT_OWN_AGENCY', errors: [{ field: 'body.notifier.agencyId' }] });
  });

  it('when an agency system notifies without an Idempotency-Key, then 400; with one, then 201', async () => {
    const system = as(principal('hospital_system', { agencyId: dir.hospitalId }));
    const res = await post(notification(dir), system);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'IDEMPOTENCY.KEY_REQUIRED', errors: [{ field: 'headers.idempotency-key' }] });
    expect((await post(notification(dir), system, 'rwp-2026-000001')).status).toBe(201);
  });
});

describe('a new death', () => {
  it('when notified, then a case is created for the panel covering the local authority, with a reference, clocks and audit', async () => {
    const res = await post(notification(dir));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      outcome: 'case_created',
      caseReference: expect.stringMatching(/^WOR-\d{4}-0001$/),
      possibleDuplicateOf: [],
    });
    expect(res.headers.location).toBe(`/v1/notifications/${res.body.notificationId}`);
    const [c] = await t.ds.query(`SELECT panel_id, status, child_nhs_number, age_at_death_days FROM cases`);
    expect(c).toMatchObject({ panel_id: dir.panelId, status: 'notified', child_nhs_number: '9434765919', age_at_death_days: 598 });
    expect(await count('case_agencies')).toBe(3);
    const deadlines = await t.ds.query(`SELECT rule_id, due_date::text FROM case_deadlines ORDER BY rule_id`);
    expect(deadlines).toEqual(
      expect.arrayContaining([
        { rule_id: 'notification_form_due', due_date: '2026-11-04' }, // 2 working days after Monday 2 Nov
        { rule_id: 'panel_review_target', due_date: '2027-05-02' },
      ]),
    );
    const actions = await t.ds.query(`SELECT action, outcome FROM audit_events ORDER BY id`);
    expect(actions).toEqual([
      { action: 'notification.create', outcome: 'success' },
      { action: 'case.create', outcome: 'success' },
    ]);
  });

  it('when no panel covers the local authority, then the case waits in the unassigned queue without a reference', async () => {
    const res = await post(notification(dir, { localAuthority: 'E06000019' }));
    expect(res.status).toBe(201);
    expect(res.body.caseReference).toBeNull();
    expect(await t.ds.query(`SELECT panel_id, reference FROM cases`)).toEqual([{ panel_id: null, reference: null }]);
  });
});

describe('validation', () => {
  const bad = async (mutate: (n: ReturnType<typeof notification>) => void, field: string, code = 'VALIDATION.FAILED') => {
    const n = notification(dir);
    mutate(n);
    const res = await post(n);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(code);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await count('cases')).toBe(0);
    expect(await count('notifications')).toBe(0);
  };

  it('when the NHS number fails Modulus 11, then 400 names it', () =>
    bad((n) => (n.child.nhsNumber = '943 476 5918'), 'body.child.nhsNumber'));
  it('when the NHS number has other characters, then 400', () => bad((n) => (n.child.nhsNumber = '943-476-5919'), 'body.child.nhsNumber'));
  it('when neither an NHS number nor a reason is given, then 400', () => bad((n) => delete n.child.nhsNumber, 'body.child.nhsNumber'));
  it('when both an NHS number and a reason are given, then 400', () =>
    bad((n) => (n.child.nhsNumberExceptionReason = 'child_non_resident_in_england'), 'body.child.nhsNumberExceptionReason'));
  it('when the date of birth is after the date of death, then 400', () =>
    bad((n) => (n.child.dateOfBirth = '2026-11-03'), 'body.child.dateOfBirth'));
  it('when the death is in the future, then 400', () =>
    bad((n) => {
      n.death.dateOfDeath = '2099-01-01';
      n.notifiedOn = '2099-01-01';
    }, 'body.death.dateOfDeath'));
  it('when the person was 18 at death, then 400 NOTIFICATION.NOT_A_CHILD', () =>
    bad((n) => (n.child.dateOfBirth = '2008-11-02'), 'body.child.dateOfBirth', 'NOTIFICATION.NOT_A_CHILD'));
  it('when a Joint Agency Response was triggered without a reason, then 400', () =>
    bad((n) => (n.death.jointAgencyResponse = { triggered: true, reasons: [] }), 'body.death.jointAgencyResponse.reasons'));
  it('when an agency does not exist, then 400 names its position', () =>
    bad(
      (n) => (n.agenciesInvolved[1]!.agencyId = '3b241101-e2bb-4255-8caf-4136c566a962'),
      'body.agenciesInvolved[1].agencyId',
      'NOTIFICATION.UNKNOWN_AGENCY',
    ));
  it('when free text is too long, then 400', () => bad((n) => (n.death.circumstances = 'x'.repeat(10_001)), 'body.death.circumstances'));
  it('when a required part of the form is missing, then 400', () => bad((n) => delete (n as Partial<typeof n>).notifier, 'body.notifier'));
  it('when a field is unknown, then 400', () => bad((n) => Object.assign(n.child, { favouriteToy: 'bear' }), 'body.child.favouriteToy'));
  it('when text carries a NUL byte, then 400 and nothing reaches PostgreSQL', () =>
    bad((n) => (n.death.circumstances = 'before\u0000after'), 'body.death.circumstances', 'REQUEST.INVALID_TEXT'));

  it('when text carries invalid Unicode (a lone surrogate), then 400', async () => {
    const raw = JSON.stringify(notification(dir)).replace('Found unresponsive', 'Found \\ud800 unresponsive');
    const res = await request(t.app).post('/v1/notifications').set(coordinator()).set('Content-Type', 'application/json').send(raw);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'body.death.circumstances', code: 'unicode' });
  });

  it('when the NHS number is typed with spaces, then it is accepted and stored as digits', async () => {
    expect((await post(notification(dir, { nhsNumber: ' 943 476 5919 ' }))).status).toBe(201);
  });
});

describe('one case per death', () => {
  it('when the same child is notified again by NHS number, then the notification joins the existing case', async () => {
    const first = await post(notification(dir));
    const second = await post(notification(dir, {}, dir.gpId));
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({
      outcome: 'attached_to_existing_case',
      caseId: first.body.caseId,
      caseReference: first.body.caseReference,
    });
    expect(await count('cases')).toBe(1);
    expect(await t.ds.query(`SELECT match FROM notifications ORDER BY received_at`)).toEqual([
      { match: 'new_case' },
      { match: 'nhs_number' },
    ]);
    expect(await t.ds.query(`SELECT action FROM case_actions ORDER BY id`)).toEqual([
      { action: 'notify' },
      { action: 'attach_notification' },
    ]);
  });

  it('when a child without an NHS number is notified again with the same names and dates, then it joins the case (and learns the NHS number later)', async () => {
    const first = await post(notification(dir, { nhsNumber: null }));
    const second = await post(notification(dir, { nhsNumber: null, givenName: 'AMÉLIA', familyName: 'hartley' }, dir.gpId));
    expect(second.body).toMatchObject({ outcome: 'attached_to_existing_case', caseId: first.body.caseId });
    const third = await post(notification(dir, {}, dir.policeId));
    expect(third.body).toMatchObject({ outcome: 'attached_to_existing_case', caseId: first.body.caseId });
    expect(await t.ds.query(`SELECT child_nhs_number, child_nhs_exception FROM cases`)).toEqual([
      { child_nhs_number: '9434765919', child_nhs_exception: null },
    ]);
  });

  it('when twins die (same birth date and surname, different first names and NHS numbers), then they are never merged', async () => {
    const a = await post(notification(dir, { nhsNumber: nhsNumberFrom(11), givenName: 'Oliver' }));
    const b = await post(notification(dir, { nhsNumber: nhsNumberFrom(12), givenName: 'Harry' }));
    const c = await post(notification(dir, { nhsNumber: null, givenName: 'George' }));
    for (const r of [a, b, c]) expect(r.body).toMatchObject({ outcome: 'case_created', possibleDuplicateOf: [] });
    expect(await count('cases')).toBe(3);
    expect(await count('case_flags')).toBe(0);
  });

  it('when a match is uncertain (Jon / John), then a new case is created and flagged POSSIBLE_DUPLICATE with the evidence', async () => {
    const first = await post(notification(dir, { nhsNumber: null, givenName: 'John' }));
    const second = await post(notification(dir, { nhsNumber: null, givenName: 'Jon' }));
    expect(second.body).toMatchObject({ outcome: 'case_created', possibleDuplicateOf: [first.body.caseId] });
    const [flag] = await t.ds.query(`SELECT case_id, type, status, rule_id, rule_version, evidence, related_case_id FROM case_flags`);
    expect(flag).toMatchObject({
      case_id: second.body.caseId,
      type: 'POSSIBLE_DUPLICATE',
      status: 'open',
      rule_id: 'notification.duplicate_match',
      rule_version: 2,
      related_case_id: first.body.caseId,
      evidence: { matchedOn: ['date_of_birth', 'date_of_death'], differences: ['name'] },
    });
  });
});

describe('after a merge', () => {
  it('when a notification matches a case merged away as a duplicate, then it joins the case it was merged into', async () => {
    const coordinatorOfPanel = as(principal('cdop_coordinator', { panelIds: [dir.panelId] }));
    const a = await post(notification(dir, { nhsNumber: null, givenName: 'John' }), coordinatorOfPanel);
    const b = await post(notification(dir, { givenName: 'Jon' }), coordinatorOfPanel);
    expect(b.body.possibleDuplicateOf).toEqual([a.body.caseId]);
    const [flag] = await t.ds.query(`SELECT id FROM case_flags WHERE case_id = $1`, [b.body.caseId]);
    const merged = await request(t.app)
      .post(`/v1/cases/${b.body.caseId}/actions`)
      .set(coordinatorOfPanel)
      .send({ action: 'merge_duplicate', flagId: flag.id, targetCaseId: a.body.caseId });
    expect(merged.status).toBe(200);
    const later = await post(notification(dir, { givenName: 'Jon' }, dir.policeId), coordinatorOfPanel);
    expect(later.body).toMatchObject({ outcome: 'attached_to_existing_case', caseId: a.body.caseId });
  });
});

describe('clocks', () => {
  it('when the notification arrives, then the notification-form clock is met by it and the others run', async () => {
    await post(notification(dir));
    const rows = await t.ds.query(`SELECT rule_id, met_at IS NOT NULL AS met FROM case_deadlines ORDER BY rule_id`);
    expect(rows).toEqual(
      expect.arrayContaining([
        { rule_id: 'notification_form_due', met: true },
        { rule_id: 'panel_review_target', met: false },
      ]),
    );
  });
});

describe('exactly once', () => {
  it('when the same key and body are sent again, then the first response comes back unchanged', async () => {
    const first = await post(notification(dir), coordinator(), 'key-0000001');
    const who = principal('cdop_coordinator');
    const again1 = await post(notification(dir), as(who), 'key-0000002');
    const again2 = await post(notification(dir), as(who), 'key-0000002');
    expect(again2.status).toBe(again1.status);
    expect(again2.body).toEqual(again1.body);
    expect(again2.headers['idempotent-replayed']).toBe('true');
    expect(again1.body.caseId).toBe(first.body.caseId);
    expect(await count('notifications')).toBe(2);
  });

  it('when the same key comes with a different body, then 422 and nothing is written', async () => {
    const who = as(principal('cdop_coordinator'));
    await post(notification(dir), who, 'key-0000003');
    const res = await post(notification(dir, { givenName: 'Other' }), who, 'key-0000003');
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IDEMPOTENCY.KEY_REUSED');
    expect(await count('notifications')).toBe(1);
  });

  it('when a request with the key is still in flight, then 409; once it has finished, its response is replayed', async () => {
    const p = principal('cdop_coordinator');
    await post(notification(dir), as(p)); // the panel's reference counter row now exists
    // Hold the counter row, so the next new case of the panel waits inside its transaction.
    const holder = t.ds.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query(`SELECT * FROM case_reference_counters FOR UPDATE`);
      const body = notification(dir, { nhsNumber: nhsNumberFrom(4242), givenName: 'Waiting' });
      const first = post(body, as(p), 'key-inflight').then((r) => r);
      await waitFor(
        async () =>
          (
            await t.ds.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%case_reference_counters%'`,
            )
          )[0].n === 1,
      );
      const same = await post(body, as(p), 'key-inflight');
      expect(same.status).toBe(409);
      expect(same.body.code).toBe('IDEMPOTENCY.IN_FLIGHT');
      await holder.rollbackTransaction();
      const done = await first;
      expect(done.status).toBe(201);
      const replay = await post(body, as(p), 'key-inflight');
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(done.body);
      expect(await count('cases')).toBe(2);
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
  });

  it('when a request fails validation, then its key is not consumed', async () => {
    const who = as(principal('cdop_coordinator'));
    const broken = notification(dir);
    broken.child.nhsNumber = '123';
    expect((await post(broken, who, 'key-0000004')).status).toBe(400);
    expect((await post(notification(dir), who, 'key-0000004')).status).toBe(201);
  });

  it('when 100 identical requests with one key arrive at once, then exactly one case and one notification exist', async () => {
    const system = as(principal('hospital_system', { agencyId: dir.hospitalId }));
    const body = notification(dir);
    const results = await Promise.all(Array.from({ length: 100 }, () => post(body, system, 'burst-key-1')));
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    const created = results.filter((r) => r.status === 201);
    expect(new Set(created.map((r) => r.body.notificationId)).size).toBe(1);
    expect(await count('cases')).toBe(1);
    expect(await count('notifications')).toBe(1);
  });

  it('when 100 notifications of one child arrive at once with different keys, then one case with 99 attached notifiers', async () => {
    const system = as(principal('hospital_system', { agencyId: dir.hospitalId }));
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => postRetrying(notification(dir), system, `burst-key-${i}`)));
    expect(results.map((r) => r.status).every((s) => s === 201)).toBe(true);
    expect(results.filter((r) => r.body.outcome === 'case_created')).toHaveLength(1);
    expect(results.filter((r) => r.body.outcome === 'attached_to_existing_case')).toHaveLength(99);
    expect(new Set(results.map((r) => r.body.caseId)).size).toBe(1);
    expect(await count('cases')).toBe(1);
    expect(await count('notifications')).toBe(100);
  });

  it('when 30 notifications of a child without an NHS number arrive at once, then one case with 29 attached by name and dates', async () => {
    const system = as(principal('hospital_system', { agencyId: dir.hospitalId }));
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        post(notification(dir, { nhsNumber: null, givenName: i % 2 ? 'AMELIA' : 'Amelia' }), system, `nameless-${i}`),
      ),
    );
    expect(results.map((r) => r.status).every((s) => s === 201)).toBe(true);
    expect(results.filter((r) => r.body.outcome === 'case_created')).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.caseId)).size).toBe(1);
    expect(await count('cases')).toBe(1);
    expect(await t.ds.query(`SELECT match, count(*)::int AS n FROM notifications GROUP BY match ORDER BY match`)).toEqual([
      { match: 'demographics', n: 29 },
      { match: 'new_case', n: 1 },
    ]);
    expect(await count('case_flags')).toBe(0);
  });

  it('when near misses of one child arrive at once, then each later case is flagged against every earlier one, never merged', async () => {
    const names = ['Amelia', 'Amelie', 'Amalia', 'Emelia']; // every pair one or two edits apart
    const results = await Promise.all(
      names.map((givenName, i) => post(notification(dir, { nhsNumber: null, givenName }), coordinator(), `near-miss-key-${i}`)),
    );
    expect(results.map((r) => [r.status, r.body.outcome, r.body.code])).toEqual(names.map(() => [201, 'case_created', undefined]));
    const flagged = results.map((r) => r.body.possibleDuplicateOf.length).sort();
    // Serialised by the death's lock: the k-th case to land sees the k−1 before it (each pair is a near miss).
    expect(flagged).toEqual([0, 1, 2, 3]);
    expect(await count('case_flags')).toBe(6);
  });

  it('when near misses a day apart (death or birth) arrive together, then each is flagged against the others, every time', async () => {
    // Their exact (birth, death) dates differ, so only locking the whole candidate window keeps them in turn.
    const variants = [
      { dateOfBirth: '2025-03-14', dateOfDeath: '2026-11-02' },
      { dateOfBirth: '2025-03-14', dateOfDeath: '2026-11-03' },
      { dateOfBirth: '2025-03-15', dateOfDeath: '2026-11-02' },
      { dateOfBirth: '2025-03-15', dateOfDeath: '2026-11-03' },
    ];
    const surnames = [
      'Ashworth',
      'Bellamy',
      'Cartwright',
      'Dunmore',
      'Eversley',
      'Fairbrother',
      'Gillingham',
      'Holloway',
      'Ingleby',
      'Jarrow',
    ];
    for (const [round, familyName] of surnames.entries()) {
      const results = await Promise.all(
        variants.map((v, i) => post(notification(dir, { nhsNumber: null, familyName, ...v }), coordinator(), `near-${round}-${i}`)),
      );
      expect(results.map((r) => [r.status, r.body.outcome])).toEqual(variants.map(() => [201, 'case_created']));
      const ids = results.map((r) => r.body.caseId as string);
      const pairs: { a: string; b: string }[] = await t.ds.query(
        `SELECT case_id AS a, related_case_id AS b FROM case_flags WHERE type = 'POSSIBLE_DUPLICATE' AND (case_id = ANY($1::uuid[]) OR related_case_id = ANY($1::uuid[]))`,
        [ids],
      );
      // Every pair of the four is flagged exactly once, from whichever landed second.
      const flagged = new Set(pairs.map((x) => [x.a, x.b].sort().join('|')));
      expect(pairs).toHaveLength(6);
      for (let i = 0; i < ids.length; i++)
        for (let j = i + 1; j < ids.length; j++) expect(flagged).toContain([ids[i], ids[j]].sort().join('|'));
    }
  });

  it('when 20 different deaths for one panel arrive at once, then they get 20 distinct consecutive references', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => post(notification(dir, { nhsNumber: nhsNumberFrom(1000 + i * 7), givenName: `Child${i}` }))),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const numbers = results.map((r) => Number(String(r.body.caseReference).split('-')[2])).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
