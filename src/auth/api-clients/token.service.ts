import type { DataSource } from 'typeorm';
import { CLIENT_SCOPES } from '../../access/roles';
import { audit, auditStandalone } from '../../audit';
import { inTransaction } from '../../platform/db/transaction';
import type { AccessTokens } from './access-tokens';
import { CLOCK_TOLERANCE_S } from './access-tokens';
import * as clients from './api-clients.repository';
import { verifyClientAssertion } from './client-assertion';
import { refuse, TokenRefusal } from './token.errors';
import type { TokenRequest } from './token-request';

/** RFC 6749 §5.1 success response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

export interface TokenService {
  /** Issues an access token, or throws the refusal (already audited) as a problem. */
  issue(request: TokenRequest): Promise<TokenResponse>;
  /** Audits a refusal found before the service ran (the form check) and returns it as a problem. */
  refused(refusal: TokenRefusal): Promise<Error>;
}

export function createTokenService(deps: { dataSource: DataSource; tokens: AccessTokens; tokenUrl: string }): TokenService {
  const { dataSource: ds, tokens, tokenUrl } = deps;

  async function refused(refusal: TokenRefusal): Promise<Error> {
    await auditStandalone(ds, {
      action: 'auth.token',
      outcome: 'denied',
      reason: refusal.reason,
      // Not authenticated: the actor is anonymous; the client it claimed to be is the resource.
      actor: { type: 'anonymous', id: null, idpId: null },
      resourceType: refusal.client ? 'api_client' : undefined,
      resourceId: refusal.client?.id,
      // A client_id is recorded only when it names a registered client: an unknown one is whatever the caller
      // typed (a name, an NHS number…) and the audit trail keeps it for good.
      details: { error: refusal.error, ...(refusal.client?.id ? { clientId: refusal.client.clientId } : {}) },
    });
    return refusal.toProblem();
  }

  return {
    refused,
    async issue(request) {
      try {
        return await inTransaction(ds, async (tx) => {
          const { client, jti, exp } = await verifyClientAssertion(request.clientAssertion, {
            tokenUrl,
            formClientId: request.clientId,
            findClient: (clientId) => clients.findClientByClientId(tx, clientId),
          });
          const known = { id: client.id, clientId: client.clientId };
          const scopes = grantedScopes(request.scopes, client.scopes);
          if (!scopes)
            throw refuse('invalid_scope', 'SCOPE.NOT_GRANTED', 'The requested scope is not granted to this client.').withClient(known);
          // Kept until the assertion could no longer pass the exp check, even on a clock running slow.
          if (!(await clients.recordAssertionJti(tx, client.clientId, jti, exp + CLOCK_TOLERANCE_S))) {
            throw refuse(
              'invalid_client',
              'ASSERTION.JTI_REPLAYED',
              'This assertion (jti) has been used already; sign a new one for each request.',
            ).withClient(known);
          }
          await clients.pruneExpiredJtis(tx, client.clientId);
          const issued = await tokens.issue(client, scopes);
          await audit(tx, {
            action: 'auth.token',
            outcome: 'success',
            actor: { type: 'client', id: client.id, idpId: null },
            resourceType: 'api_client',
            resourceId: client.id,
            details: { clientId: client.clientId, scopes, tokenId: issued.tokenId, expiresIn: issued.expiresIn },
          });
          return { access_token: issued.token, token_type: 'Bearer' as const, expires_in: issued.expiresIn, scope: scopes.join(' ') };
        });
      } catch (err) {
        if (err instanceof TokenRefusal) throw await refused(err);
        throw err;
      }
    },
  };
}

/**
 * The scopes to put in the token: the requested ones (default: all the
 * client's), each of which must be registered for the client and still be a
 * scope clients may hold. Undefined when any requested scope is not granted.
 */
export function grantedScopes(requested: readonly string[] | undefined, registered: readonly string[]): string[] | undefined {
  const allowed = registered.filter((s) => (CLIENT_SCOPES as readonly string[]).includes(s));
  if (!requested) return allowed.length ? allowed : undefined;
  return requested.every((s) => allowed.includes(s)) ? [...requested] : undefined;
}
