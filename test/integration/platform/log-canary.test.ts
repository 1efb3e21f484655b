import request from 'supertest';
import { startTestApp, type TestApp } from '../../support/app';
import { as, principal } from '../../support/principals';

// Personal data must never reach the log: bodies are not logged, URLs are
// logged as route templates, and database errors are logged without their
// parameters or quoted values. Canary values are pushed through every path
// a request can take, including a 500 whose failed SQL carries them.

const NHS = '9434765919';
const NHS_SPACED = '943 476 5919';
const NAME = 'Zephyrine Quillfeather';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ LOG_LEVEL: 'trace' });
});
afterAll(() => t.close());

const coordinator = as(principal('cdop_coordinator'));

it('when canary personal data is sent in bodies, URLs, headers and failing SQL, then none of it reaches the log', async () => {
  // Valid request carrying the canary as a value that is stored.
  expect((await request(t.app).post('/v1/agencies').set(coordinator).send({ name: NAME, type: 'other', odsCode: 'CANARY1' })).status).toBe(
    201,
  );
  // A unique violation: PostgreSQL's error detail quotes the value.
  expect((await request(t.app).post('/v1/agencies').set(coordinator).send({ name: NAME, type: 'other', odsCode: 'CANARY1' })).status).toBe(
    409,
  );
  // Validation failure echoing nothing of the input.
  const bad = await request(t.app)
    .post('/v1/agencies')
    .set(coordinator)
    .send({ name: NAME, type: 'child', nhsNumber: NHS, childName: NAME });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).not.toContain(NHS);
  expect(JSON.stringify(bad.body)).not.toContain(NAME);
  // In the path, the query string and headers.
  await request(t.app).get(`/v1/panels/${NHS}`).set(coordinator);
  await request(t.app)
    .get(`/v1/agencies?odsCode=${NHS}&name=${encodeURIComponent(NAME)}`)
    .set(coordinator);
  await request(t.app).get('/health/live').set('X-Child-Name', NAME).set('Cookie', `nhs=${NHS}`).set('Authorization', `Bearer ${NHS}`);
  // Malformed JSON containing the canary.
  await request(t.app)
    .post('/v1/agencies')
    .set(coordinator)
    .set('Content-Type', 'application/json')
    .send(`{"name":"${NAME}","nhs":"${NHS_SPACED}"`);
  // A 500 whose failed statement has the canary among its parameters.
  await t.ds.query('ALTER TABLE agencies RENAME TO agencies_gone');
  try {
    const fault = await request(t.app).post('/v1/agencies').set(coordinator).send({ name: NAME, type: 'other', odsCode: NHS });
    expect(fault.status).toBe(500);
  } finally {
    await t.ds.query('ALTER TABLE agencies_gone RENAME TO agencies');
  }

  const log = t.logLines.join('\n');
  expect(t.logLines.length).toBeGreaterThan(8);
  expect(log).toContain('unhandled error'); // the 500 was logged...
  for (const canary of [NHS, NHS_SPACED, NAME, 'Zephyrine', 'Quillfeather', 'CANARY1']) {
    expect(log).not.toContain(canary); // ...without the data
  }
});
