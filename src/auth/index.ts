import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../platform/logger';
import type { AuthMechanism } from './auth.types';
import { createApiClientsMechanism } from './api-clients';
import { createSamlMechanism } from './saml';

interface AuthDeps {
  config: Config;
  log: Logger;
  dataSource: DataSource;
}

/** Every way a caller can prove who they are, in the order they are tried. */
export async function createAuthMechanisms(deps: AuthDeps): Promise<AuthMechanism[]> {
  return [
    // People: SAML single sign-on, then a session cookie (tried first).
    createSamlMechanism(deps),
    // Agency systems' bearer tokens (POST /oauth2/token); after the SAML session mechanism.
    await createApiClientsMechanism(deps),
  ];
}

export type { AuthMechanism } from './auth.types';
export { claimedClientId, TOKEN_PATH } from './api-clients';
