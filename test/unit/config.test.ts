import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('when the environment is empty, then development defaults apply and the embedded database is used', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ env: 'development', port: 3000, seedDemoData: true, bodyLimit: '1mb' });
    expect(c.database.url).toBeUndefined();
    expect(c.database.embeddedDir).toMatch(/\.data\/postgres$/);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('when rate limits and metrics are configured, then they are parsed, and bad values are named', () => {
    const c = loadConfig({
      RATE_LIMIT_TOKEN_PER_CLIENT: '0',
      RATE_LIMIT_WINDOW_S: '30',
      METRICS_PORT: '9464',
      METRICS_TOKEN: 't'.repeat(32),
    });
    expect(c.rateLimits).toMatchObject({ windowS: 30, tokenPerClient: 0, samlPerAddress: 60, notificationsPerClient: 600 });
    expect(c.metrics).toEqual({ port: 9464, host: '127.0.0.1', token: 't'.repeat(32) });
    expect(() => loadConfig({ RATE_LIMIT_SAML_PER_ADDRESS: '-1' })).toThrow(/RATE_LIMIT_SAML_PER_ADDRESS/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be at least 32/);
    expect(() => loadConfig({ PORT: '3000', METRICS_PORT: '3000' })).toThrow(/METRICS_PORT: must differ from PORT/);
  });

  it('when attachment limits and types are configured, then they are parsed; a type that cannot be recognised, or none, is refused', () => {
    expect(loadConfig({}).attachments).toEqual({
      types: [
        'application/pdf',
        'image/png',
        'image/jpeg',
        'image/tiff',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      ],
      maxBytes: 20 * 1024 * 1024,
      maxPerRequest: 50,
    });
    const c = loadConfig({
      ATTACHMENT_TYPES: ' Application/PDF, image/png,application/pdf ',
      ATTACHMENT_MAX_BYTES: '1048576',
      ATTACHMENT_MAX_PER_REQUEST: '5',
    });
    expect(c.attachments).toEqual({ types: ['application/pdf', 'image/png'], maxBytes: 1048576, maxPerRequest: 5 });
    expect(() => loadConfig({ ATTACHMENT_TYPES: 'application/pdf,application/x-msdownload' })).toThrow(/ATTACHMENT_TYPES/);
    expect(() => loadConfig({ ATTACHMENT_TYPES: ' , ' })).toThrow(/ATTACHMENT_TYPES: must name at least one type/);
    expect(() => loadConfig({ ATTACHMENT_MAX_BYTES: String(200 * 1024 * 1024) })).toThrow(/ATTACHMENT_MAX_BYTES/);
  });

  it('when a variable is malformed, then the error names it', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => loadConfig({ BODY_LIMIT: 'lots' })).toThrow(/BODY_LIMIT/);
    expect(() => loadConfig({ LOG_LEVEL: 'chatty' })).toThrow(ConfigError);
  });

  it('when NODE_ENV=production without DATABASE_URL, then it refuses to start', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL: is required when NODE_ENV=production/);
    const sso = {
      PUBLIC_BASE_URL: 'https://cdop.example.nhs.uk',
      SESSION_SECRET: 'x'.repeat(32),
      SAML_SP_KEY_FILE: '/k',
      SAML_SP_CERT_FILE: '/c',
    };
    const tokens = { ACCESS_TOKEN_SIGNING_KEY_FILE: '/t' };
    const mail = { SMTP_URL: 'smtp://relay.example:587', MAIL_FROM: 'CDOP <cdop@example.nhs.uk>' };
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/cdop', ...sso, ...tokens, ...mail }).seedDemoData).toBe(false);
  });

  it('when TRUST_PROXY is a number or list, then it is passed through as Express expects', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(loadConfig({}).trustProxy).toBe(false);
  });
});
