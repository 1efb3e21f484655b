import { loadConfig } from '../../src/config';
import { latestDailySlot } from '../../src/platform/jobs';
import { createLogTransport, isPermanentMailError, mailErrorCode, recipientDomain } from '../../src/platform/mail';
import { messageIdFor, retryDelayMs } from '../../src/platform/outbox';
import { capturingLogger } from '../support/app';

// The pure parts of the outbox, the mail transports and the scheduler, and their configuration.

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db/cdop',
  PUBLIC_BASE_URL: 'https://cdop.example.nhs.uk',
  SESSION_SECRET: 's'.repeat(40),
  SAML_SP_KEY_FILE: '/k',
  SAML_SP_CERT_FILE: '/c',
  ACCESS_TOKEN_SIGNING_KEY_FILE: '/t',
};

describe('mail and jobs configuration', () => {
  it('when nothing is set, then development sends mail to the log and runs the job queue; tests run neither', () => {
    const dev = loadConfig({});
    expect(dev.mail).toMatchObject({ enabled: true, smtp: undefined, maxAttempts: 10, pollIntervalMs: 5000, retentionDays: 30 });
    expect(dev.mail.from).toMatch(/<[^>]+@[^>]+>$/);
    expect(dev.jobs.enabled).toBe(true);
    const test = loadConfig({ NODE_ENV: 'test' });
    expect(test.mail.enabled).toBe(false);
    expect(test.jobs.enabled).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', MAIL_ENABLED: 'true', JOBS_ENABLED: 'yes' })).toMatchObject({
      mail: { enabled: true },
      jobs: { enabled: true },
    });
  });

  it('when SMTP_URL is set, then host, port, TLS and the (percent-encoded) credentials come from it', () => {
    expect(loadConfig({ SMTP_URL: 'smtp://relay.example:2525' }).mail.smtp).toEqual({
      host: 'relay.example',
      port: 2525,
      secure: false,
      requireTls: false,
      user: undefined,
      password: undefined,
    });
    expect(loadConfig({ SMTP_URL: 'smtps://cdop%40example.org:p%3Ass%2Fw@relay.example' }).mail.smtp).toEqual({
      host: 'relay.example',
      port: 465,
      secure: true,
      requireTls: false,
      user: 'cdop@example.org',
      password: 'p:ss/w',
    });
    expect(loadConfig({ SMTP_URL: 'smtp://relay.example' }).mail.smtp?.port).toBe(587);
  });

  it('when SMTP_HOST and its parts are set, then they are used; port 465 means TLS from the start', () => {
    expect(loadConfig({ SMTP_HOST: 'relay.example', SMTP_USER: 'u', SMTP_PASSWORD: 'p' }).mail.smtp).toEqual({
      host: 'relay.example',
      port: 587,
      secure: false,
      requireTls: false,
      user: 'u',
      password: 'p',
    });
    expect(loadConfig({ SMTP_HOST: 'relay.example', SMTP_PORT: '465' }).mail.smtp).toMatchObject({ port: 465, secure: true });
    expect(loadConfig({ SMTP_HOST: 'relay.example', SMTP_SECURE: 'true' }).mail.smtp).toMatchObject({ port: 465, secure: true });
  });

  it('when the SMTP settings contradict each other or are incomplete, then the variable is named', () => {
    expect(() => loadConfig({ SMTP_URL: 'smtp://a.example', SMTP_HOST: 'b.example' })).toThrow(/SMTP_HOST: set SMTP_URL or SMTP_HOST/);
    expect(() => loadConfig({ SMTP_PORT: '25' })).toThrow(/SMTP_PORT: needs SMTP_HOST/);
    expect(() => loadConfig({ SMTP_HOST: 'a.example', SMTP_USER: 'u' })).toThrow(/SMTP_PASSWORD: SMTP_USER and SMTP_PASSWORD go together/);
    expect(() => loadConfig({ SMTP_URL: 'http://a.example' })).toThrow(/SMTP_URL: must be smtp:/);
    expect(() => loadConfig({ MAIL_FROM: 'not an address' })).toThrow(/MAIL_FROM/);
    expect(() => loadConfig({ MAIL_FROM: 'CDOP <cdop@example.org>\r\nBcc: x@y.example' })).toThrow(/MAIL_FROM/);
    expect(loadConfig({ MAIL_FROM: 'cdop@example.org' }).mail.from).toBe('cdop@example.org');
    expect(() => loadConfig({ MAIL_MAX_ATTEMPTS: '0' })).toThrow(/MAIL_MAX_ATTEMPTS/);
  });

  it('when NODE_ENV=production with mail on, then an SMTP server and MAIL_FROM are required and STARTTLS is required by default', () => {
    expect(() => loadConfig(production)).toThrow(/SMTP_URL: SMTP_URL or SMTP_HOST is required when NODE_ENV=production/);
    expect(() => loadConfig(production)).toThrow(/MAIL_FROM: is required when NODE_ENV=production/);
    const c = loadConfig({ ...production, SMTP_HOST: 'relay.example.nhs.uk', MAIL_FROM: 'CDOP <cdop@example.nhs.uk>' });
    expect(c.mail.smtp).toMatchObject({ port: 587, secure: false, requireTls: true });
    expect(
      loadConfig({ ...production, SMTP_HOST: 'relay', SMTP_REQUIRE_TLS: 'false', MAIL_FROM: 'c@x.example' }).mail.smtp?.requireTls,
    ).toBe(false);
    // An instance without mail: messages wait in the outbox for one that sends them.
    expect(loadConfig({ ...production, MAIL_ENABLED: 'false' }).mail.enabled).toBe(false);
  });
});

describe('the outbox relay, pure parts', () => {
  it('when a send fails again and again, then the wait doubles from the base up to the cap, less at most 20 % jitter', () => {
    const retry = { baseMs: 30_000, maxMs: 3_600_000 };
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, retry, 0))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(20, retry, 0)).toBe(3_600_000);
    expect(retryDelayMs(1000, retry, 0)).toBe(3_600_000);
    expect(retryDelayMs(1, retry, 0.999)).toBeGreaterThanOrEqual(24_000);
    expect(retryDelayMs(1, retry, 0.999)).toBeLessThan(30_000);
  });

  it("when a Message-ID is made, then it is the outbox id at the sender's domain, whatever form MAIL_FROM takes", () => {
    expect(messageIdFor('0b9e', 'CDOP <cdop@cdop.example.nhs.uk>')).toBe('<0b9e@cdop.example.nhs.uk>');
    expect(messageIdFor('0b9e', 'cdop@cdop.example.nhs.uk')).toBe('<0b9e@cdop.example.nhs.uk>');
  });

  it('when the transport fails, then the stored code is its code and reply code, never its message', () => {
    const refused = Object.assign(new Error('Recipient <someone@agency.example> refused'), { code: 'EENVELOPE', responseCode: 550 });
    expect(mailErrorCode(refused)).toBe('EENVELOPE:550');
    expect(mailErrorCode(Object.assign(new Error('x'), { code: 'ECONNECTION' }))).toBe('ECONNECTION');
    expect(mailErrorCode(Object.assign(new Error('x'), { code: 'lower case <a@b>' }))).toBe('Error');
    expect(mailErrorCode('a string')).toBe('UNKNOWN');
    expect(isPermanentMailError(refused)).toBe(true);
    expect(isPermanentMailError(Object.assign(new Error('x'), { code: 'EMESSAGE', responseCode: 451 }))).toBe(false);
    // A wrong password is an operator's to fix, and the message should still go then.
    expect(isPermanentMailError(Object.assign(new Error('x'), { code: 'EAUTH', responseCode: 535 }))).toBe(false);
  });

  it('when development has no SMTP server, then the log transport records kind, Message-ID and the recipient domain only', async () => {
    const { log, lines } = capturingLogger('info');
    await createLogTransport(log).send({
      messageId: '<1@cdop.example>',
      kind: 'request.reminder',
      from: 'CDOP <cdop@cdop.example>',
      to: 'sam.okafor@Example-Acute.nhs.example',
      subject: 'WOR-2027-0001: form due',
      text: 'Open https://cdop.example/x',
    });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).mail).toEqual({
      kind: 'request.reminder',
      messageId: '<1@cdop.example>',
      recipientDomain: 'example-acute.nhs.example',
    });
    expect(lines[0]).not.toMatch(/okafor|WOR-2027|https:/);
    expect(recipientDomain('nobody')).toBe('(none)');
  });
});

describe('daily slots in London', () => {
  it('when the clock reads exactly the time, then that is the slot; a moment before, the slot is the day before', () => {
    expect(latestDailySlot(new Date('2027-01-04T08:00:00Z'), '08:00')).toEqual({
      slot: new Date('2027-01-04T08:00:00Z'),
      date: '2027-01-04',
    });
    expect(latestDailySlot(new Date('2027-01-04T07:59:59.999Z'), '08:00')).toEqual({
      slot: new Date('2027-01-03T08:00:00Z'),
      date: '2027-01-03',
    });
  });

  it('when the slot is just after midnight in summer, then its London date is the next UTC day', () => {
    // 00:30 BST on 1 June is 23:30 UTC on 31 May.
    expect(latestDailySlot(new Date('2027-05-31T23:45:00Z'), '00:30')).toEqual({
      slot: new Date('2027-05-31T23:30:00Z'),
      date: '2027-06-01',
    });
  });

  it('when the clocks change overnight, then the slot follows the new offset on that very day', () => {
    expect(latestDailySlot(new Date('2027-03-28T12:00:00Z'), '02:30').slot).toEqual(new Date('2027-03-28T01:30:00Z'));
    expect(latestDailySlot(new Date('2027-10-31T12:00:00Z'), '02:30').slot).toEqual(new Date('2027-10-31T02:30:00Z'));
    expect(() => latestDailySlot(new Date('2027-03-28T12:00:00Z'), '01:30')).toThrow(RangeError);
  });
});
