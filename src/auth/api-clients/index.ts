// Agency systems (hospital and other integrations): OAuth 2.0 client
// credentials with private_key_jwt client assertions, and the bearer tokens
// they are issued.
import type { DataSource } from 'typeorm';
import type { AuthMechanism } from '../auth.types';
import type { Config } from '../../config';
import type { Logger } from '../../platform/logger';
import { createAccessTokens } from './access-tokens';
import { bearerAuthenticator } from './bearer.authenticator';
import { loadAccessTokenKeys } from './signing-keys';
import { TOKEN_PATH } from './token-request';
import { tokenRequestGuard, tokenRouter } from './token.routes';
import { createTokenService } from './token.service';

export function tokenEndpointUrl(config: Config): string {
  return `${config.publicBaseUrl}${TOKEN_PATH}`;
}

export async function createApiClientsMechanism(deps: { config: Config; log: Logger; dataSource: DataSource }): Promise<AuthMechanism> {
  const { config, dataSource } = deps;
  const keys = await loadAccessTokenKeys(config, deps.log);
  const tokens = createAccessTokens({ keys, issuer: config.publicBaseUrl, ttlS: config.accessTokens.ttlS });
  const service = createTokenService({ dataSource, tokens, tokenUrl: tokenEndpointUrl(config) });
  return {
    before: [tokenRequestGuard(service)],
    authenticators: [bearerAuthenticator({ dataSource, tokens })],
    routers: [tokenRouter(service)],
  };
}

export { registerClient, disableClient, validatePublicJwks, RegistrationError, type RegisteredClient } from './api-clients.service';
export { clientCredentialsExample, type ClientCredentialsExample } from './client-example';
export { JWT_BEARER_ASSERTION_TYPE } from './token-request';
