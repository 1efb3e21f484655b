import { AppError } from '../../platform/http/problem';

/** The RFC 6749 §5.2 error codes the token endpoint returns. */
type OAuthError = 'invalid_request' | 'invalid_client' | 'invalid_scope' | 'unsupported_grant_type';

const PROBLEMS: Record<OAuthError, { status: number; code: string; title: string }> = {
  invalid_request: { status: 400, code: 'OAUTH.INVALID_REQUEST', title: 'The token request is not valid' },
  // RFC 7521 §4.2.1: every problem with a client assertion is invalid_client.
  invalid_client: { status: 401, code: 'OAUTH.INVALID_CLIENT', title: 'Client authentication failed' },
  invalid_scope: { status: 400, code: 'OAUTH.INVALID_SCOPE', title: 'The requested scope is not valid' },
  unsupported_grant_type: { status: 400, code: 'OAUTH.UNSUPPORTED_GRANT_TYPE', title: 'Unsupported grant type' },
};

/** The client a refused request claimed to be, once the claim has been read (never verified). */
interface ClaimedClient {
  /** api_clients.id, when the claimed client is registered */
  id?: string;
  clientId: string;
}

/**
 * A refused token request. `reason` is a fine-grained code for the audit
 * trail (e.g. `ASSERTION.JTI_REPLAYED`); the caller gets the OAuth error and a
 * description that never quotes the assertion.
 */
export class TokenRefusal extends Error {
  constructor(
    readonly error: OAuthError,
    readonly reason: string,
    readonly description: string,
    readonly client?: ClaimedClient,
  ) {
    super(description);
    this.name = 'TokenRefusal';
  }

  withClient(client: ClaimedClient): TokenRefusal {
    return new TokenRefusal(this.error, this.reason, this.description, client);
  }

  /**
   * An RFC 9457 problem that is also an RFC 6749 §5.2 error response: the
   * `error` and `error_description` members ride along as extension members,
   * so OAuth client libraries and problem+json readers both understand it.
   */
  toProblem(): AppError {
    const p = PROBLEMS[this.error];
    return new AppError({
      ...p,
      detail: this.description,
      extensions: { error: this.error, error_description: this.description },
      headers: { 'Cache-Control': 'no-store' },
    });
  }
}

export const refuse = (error: OAuthError, reason: string, description: string) => new TokenRefusal(error, reason, description);
