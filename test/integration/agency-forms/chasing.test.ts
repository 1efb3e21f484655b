import request from 'supertest';
import { seedNationalTemplates } from '../../../src/modules/agency-forms';
import { addWorkingDays, londonLocalInstant } from '../../../src/platform/time';
import { startService, type RunningService } from '../../../src/server';
import { capturingLogger, testConfig } from '../../support/app';
import { openTestDataSource, truncateAll, workerDatabaseUrl } from '../../support/db';
import { notification, nhsNumberFrom, seedDirectory, type Directory } from '../../support/notifications';
import { as, principal, testAuthenticator } from '../../support/principals';
import { startTestSmtpServer, type TestSmtpServer } from '../../support/smtp';

// Chasing requested forms: two instances of the whole service on one database, mail on (an in-process SMTP
// server), the daily job driven by an explicit clock (scheduler.runDueWork at 08:00 London each day). A form
// due in 3 working days over the Christmas bank holidays is reminded, marked overdue and escalated on the right
// days, once each, and the messages never name the child.

let smtp: TestSmtpServer;
const services: RunningService[] = [];
let dir: Directory;
const { log } = capturingLogger('warn');

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  // Emptied before any instance starts: TRUNCATE beside a running relay and audit sealer can deadlock with them.
  const setup = await openTestDataSource(workerDatabaseUrl());
  await truncateAll(setup);
  await setup.destroy();
  for (let i = 0; i < 2; i++) {
    services.push(
      await startService(
        testConfig({
          PORT: '0',
          HOST: '127.0.0.1',
          MAIL_ENABLED: 'true',
          SMTP_HOST: '127.0.0.1',
          SMTP_PORT: String(smtp.settings.port),
          MAIL_FROM: 'CDOP <cdop@service.example>',
          MAIL_POLL_INTERVAL_MS: '100',
          PUBLIC_BASE_URL: 'https://cdop.example',
        }),
        log,
        { auth: [{ authenticators: [testAuthenticator] }] },
      ),
    );
  }
  const ds = services[0]!.database.dataSource;
  await seedNationalTemplates(ds);
  dir = await seedDirectory(ds);
  await ds.query(`UPDATE agencies SET contact_email = 'cdop-forms@trust.example' WHERE id = $1`, [dir.hospitalId]);
  await ds.query(
    `INSERT INTO users (idp_id, name_id, display_name, email, roles, panel_ids) VALUES ('dev', 'coord-1', 'Coordinator', 'coordinator@council.example', '{cdop_coordinator}', ARRAY[$1]::uuid[])`,
    [dir.panelId],
  );
}, 120_000);

afterAll(async () => {
  for (const s of services) await s.shutdown('test cleanup').catch(() => undefined);
  await smtp?.close();
});

it('a form due in 3 working days over the Christmas bank holidays is reminded, marked overdue and escalated on the right days, once each', async () => {
  const app = services[0]!.server;
  const coordinator = as(principal('cdop_coordinator', { panelIds: [dir.panelId] }));
  const opened = await request(app)
    .post('/v1/notifications')
    .set(as(principal('hospital_system', { agencyId: dir.hospitalId })))
    .set('Idempotency-Key', 'chasing-1')
    .send(notification(dir, { nhsNumber: nhsNumberFrom(424242), givenName: 'Canaryname', familyName: 'Canarysurname' }));
  expect(opened.status).toBe(201);
  const requestedOn = '2026-12-23';
  const due = addWorkingDays(requestedOn, 3);
  expect(due).toBe('2026-12-30'); // Thu 24, (Fri 25, Mon 28 bank holidays), Tue 29, Wed 30
  const asked = await request(app)
    .post(`/v1/cases/${opened.body.caseId}/form-requests`)
    .set(coordinator)
    .send({ agencyOdsCode: 'RWP', templateId: 'reporting', dueDate: due });
  expect(asked.status).toBe(201);
  const id = asked.body.id as string;

  const days = [
    '2026-12-23',
    '2026-12-24',
    '2026-12-25',
    '2026-12-28',
    '2026-12-29',
    '2026-12-30',
    '2026-12-31',
    '2027-01-01',
    '2027-01-04',
    '2027-01-05',
    '2027-01-06',
    '2027-01-07',
    '2027-01-08',
  ];
  const ds = services[0]!.database.dataSource;
  const stepsOn: Record<string, string[]> = {};
  for (const day of days) {
    const at = londonLocalInstant(day, '08:00');
    // Both instances tick at once, twice: each day's run happens once in all.
    await Promise.all([...services, ...services].map((s) => s.scheduler.runDueWork(at)));
    const [row] = await ds.query(`SELECT reminded_before_at, reminded_due_at, overdue_at, escalated_at FROM form_requests WHERE id = $1`, [
      id,
    ]);
    stepsOn[day] = Object.entries(row as Record<string, Date | null>)
      .filter(([, v]) => v !== null && v.getTime() === at.getTime())
      .map(([k]) => k);
  }
  expect(stepsOn).toEqual({
    '2026-12-23': [],
    '2026-12-24': ['reminded_before_at'],
    '2026-12-25': [],
    '2026-12-28': [],
    '2026-12-29': [],
    '2026-12-30': ['reminded_due_at'],
    '2026-12-31': ['overdue_at'],
    '2027-01-01': [],
    '2027-01-04': [],
    '2027-01-05': [],
    '2027-01-06': [],
    '2027-01-07': ['escalated_at'],
    '2027-01-08': [],
  });

  // Four messages, each delivered once: three to the agency, the escalation to the case's coordinator.
  const mail = await smtp.waitFor(4);
  await new Promise((r) => setTimeout(r, 500));
  expect(smtp.received).toHaveLength(4);
  // The relay delivers what is queued in parallel, so the order of arrival is not the order of the days.
  const bySubject = (a: [string[], string], b: [string[], string]) => a[1].localeCompare(b[1]);
  expect(mail.map((m): [string[], string] => [m.to, m.subject ?? '']).sort(bySubject)).toEqual(
    (
      [
        [['cdop-forms@trust.example'], 'Reminder: CDOP form due 2026-12-30'],
        [['cdop-forms@trust.example'], 'CDOP form due today (2026-12-30)'],
        [['cdop-forms@trust.example'], 'Overdue: CDOP form was due 2026-12-30'],
        [['coordinator@council.example'], 'Escalation: CDOP form overdue since 2026-12-30'],
      ] as [string[], string][]
    ).sort(bySubject),
  );
  for (const m of mail) {
    const text = m.raw.replace(/=\r?\n/g, ''); // quoted-printable soft line breaks
    expect(text).toContain(`https://cdop.example/v1/form-requests/${id}`);
    expect(text).toContain(opened.body.caseReference);
    expect(text).not.toMatch(/Canaryname|Canarysurname|424242|2025-03-14/);
  }
  const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'form_request.chase' AND resource_id = $1`, [
    id,
  ]);
  expect(n).toBe(4);
}, 120_000);
