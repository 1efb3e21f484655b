import { ConfigError, loadConfig } from '../../src/config';

// Single sign-on configuration: safe defaults outside production, and no way to start
// production with the development IdP or without the SP's own key, secret and https URL.

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db/cdop',
  PUBLIC_BASE_URL: 'https://cdop.example.nhs.uk',
  SESSION_SECRET: 's'.repeat(40),
  SAML_SP_KEY_FILE: '/run/secrets/sp.key.pem',
  SAML_SP_CERT_FILE: '/run/secrets/sp.cert.pem',
  ACCESS_TOKEN_SIGNING_KEY_FILE: '/run/secrets/token.pem',
  SMTP_URL: 'smtp://relay.example.nhs.uk',
  MAIL_FROM: 'CDOP <cdop@example.nhs.uk>',
};

describe('SSO configuration', () => {
  it('when NODE_ENV=production and DEV_IDP=true, then the service refuses to start, naming DEV_IDP', () => {
    expect(() => loadConfig({ ...production, DEV_IDP: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, DEV_IDP: 'true' })).toThrow(/DEV_IDP: must not be true when NODE_ENV=production/);
    expect(loadConfig(production).saml.devIdp).toBe(false);
  });

  it('when production lacks the public https URL, the session secret or the SP key pair, then each is named', () => {
    const without = (name: keyof typeof production) => {
      const env: Record<string, string> = { ...production };
      delete env[name];
      return () => loadConfig(env);
    };
    expect(without('PUBLIC_BASE_URL')).toThrow(/PUBLIC_BASE_URL: is required when NODE_ENV=production/);
    expect(without('SESSION_SECRET')).toThrow(/SESSION_SECRET: is required/);
    expect(without('SAML_SP_KEY_FILE')).toThrow(/SAML_SP_KEY_FILE/);
    expect(() => loadConfig({ ...production, PUBLIC_BASE_URL: 'http://cdop.example.nhs.uk' })).toThrow(/must be an https:\/\/ URL/);
    expect(() => loadConfig({ ...production, SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET: must be at least 32 characters/);
  });

  it('when nothing is set, then development gets the dev IdP, a localhost base URL and 30 min / 10 h session timeouts', () => {
    const c = loadConfig({ PORT: '3100' });
    expect(c.saml.devIdp).toBe(true);
    expect(c.publicBaseUrl).toBe('http://localhost:3100');
    expect(c.session).toEqual({ secret: undefined, idleTimeoutMin: 30, absoluteTimeoutH: 10 });
    expect(c.saml.keysDir).toMatch(/\.data\/keys$/);
    expect(loadConfig({ NODE_ENV: 'test' }).saml.devIdp).toBe(false);
  });

  it('when PUBLIC_BASE_URL has a trailing slash or is not a URL, then it is normalised or refused', () => {
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://cdop.example/' }).publicBaseUrl).toBe('https://cdop.example');
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'cdop.example' })).toThrow(/PUBLIC_BASE_URL/);
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'https://cdop.example/?x=1' })).toThrow(/PUBLIC_BASE_URL/);
  });

  it('when only one of the SP key and certificate files is given, then it is refused', () => {
    expect(() => loadConfig({ SAML_SP_KEY_FILE: '/k' })).toThrow(/SAML_SP_KEY_FILE and SAML_SP_CERT_FILE go together/);
  });
});
