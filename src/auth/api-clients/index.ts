// Agency systems (hospital and other integrations): OAuth 2.0 client
// credentials with private_key_jwt client assertions, and the bearer tokens
// they are issued.
import type { DataSource } from 'typeorm';
import type { AuthMechanism } from '../auth.types';
import type { Config } from '../../config';
import { poolOf } from '../../platform/db/data-source';
import { connectionOf, listen, type ListenOptions } from '../../platform/db/listener';
import type { Logger } from '../../platform/logger';
import { createAccessTokens } from './access-tokens';
import { recordTokenEndpoint, type EnabledClient } from './api-clients.repository';
import { bearerAuthenticator, type FindEnabledClient } from './bearer.authenticator';
import { clientCache } from './client-cache';
import { loadAccessTokenKeys } from './signing-keys';
import { TOKEN_PATH } from './token-request';
import { tokenRequestGuard, tokenRouter } from './token.routes';
import { createTokenService } from './token.service';

export function tokenEndpointUrl(config: Config): string {
  return `${config.publicBaseUrl}${TOKEN_PATH}`;
}

/** Announced by a trigger on api_clients (migration ApiClientsChangeNotify) with the changed client's id; empty: all of them. */
const API_CLIENTS_CHANGED = 'api_clients_changed';

interface ApiClientsMechanismDeps {
  config: Config;
  log: Logger;
  dataSource: DataSource;
  /** Tests: count the bearer authenticator's client lookups, or slow the listener's reconnection. */
  findClient?: FindEnabledClient;
  listener?: Pick<ListenOptions, 'retryMinMs' | 'retryMaxMs' | 'heartbeatMs' | 'heartbeatTimeoutMs'>;
}

export async function createApiClientsMechanism(deps: ApiClientsMechanismDeps): Promise<AuthMechanism> {
  const { config, dataSource, log } = deps;
  const keys = await loadAccessTokenKeys(config, log);
  const tokens = createAccessTokens({ keys, issuer: config.publicBaseUrl, ttlS: config.accessTokens.ttlS });
  const tokenUrl = tokenEndpointUrl(config);
  const service = createTokenService({ dataSource, tokens, tokenUrl });
  // So that `npm run client:create`, run from any shell, prints the endpoint this instance checks.
  await recordTokenEndpoint(dataSource, tokenUrl);
  // The bearer authenticator's client lookups, usable only while the listener is LISTENing
  // (see bearer.authenticator.ts for why that keeps disabling a client immediate).
  const clients = clientCache<EnabledClient | undefined>();
  const listener = listen({
    ...deps.listener,
    connection: connectionOf(poolOf(dataSource)),
    channel: API_CLIENTS_CHANGED,
    onMessage: (id) => (id ? clients.evict(id) : clients.reset(clients.usable)),
    onReset: (listening) => clients.reset(listening),
    log,
  });
  return {
    before: tokenRequestGuard(service),
    authenticators: [bearerAuthenticator({ dataSource, tokens, clients, findClient: deps.findClient })],
    routers: [tokenRouter(service)],
    close: () => listener.close(),
  };
}

export { tokenEndpointForRegistration } from './token-endpoint';
export { recordedTokenEndpoints } from './api-clients.repository';
export { registerClient, disableClient, validatePublicJwks, RegistrationError, type RegisteredClient } from './api-clients.service';
export { clientCredentialsExample } from './client-example';
export { JWT_BEARER_ASSERTION_TYPE, TOKEN_PATH, claimedClientId } from './token-request';
export { ApiClientEntity } from './entities/api-client.entity';
export { ClientAssertionJtiEntity } from './entities/client-assertion-jti.entity';
export { OAuthTokenEndpointEntity } from './entities/oauth-token-endpoint.entity';
