import { Router, type ErrorRequestHandler } from 'express';
import { AppError } from '../../platform/http/problem';
import { parseTokenRequest, TOKEN_PATH, type TokenRequest } from './token-request';
import { TokenRefusal } from './token.errors';
import type { TokenService } from './token.service';

async function parseOrRefuse(service: TokenService, body: unknown): Promise<TokenRequest> {
  try {
    return parseTokenRequest(body);
  } catch (err) {
    throw err instanceof TokenRefusal ? await service.refused(err) : err;
  }
}

/**
 * Runs before authentication and OpenAPI validation: a malformed token
 * request is refused here with the RFC 6749 error it calls for (and audited),
 * so only well-formed requests reach the validator.
 */
export function tokenRequestGuard(service: TokenService): (Router | ErrorRequestHandler)[] {
  const r = Router();
  r.post(TOKEN_PATH, async (req, _res, next) => {
    // A body of another media type gets the validator's 415; no body at all is a request without its parameters.
    if (req.headers['content-type'] !== undefined && !req.is('application/x-www-form-urlencoded')) return next();
    // The parameters travel in the body (RFC 6749 §4.4.2); this endpoint's URL has no query of its own (§3.2).
    if (req.originalUrl.includes('?')) {
      throw await service.refused(
        new TokenRefusal('invalid_request', 'REQUEST.MALFORMED', 'Send the parameters in the form body, not in the query string.'),
      );
    }
    await parseOrRefuse(service, req.body);
    next();
  });
  // A form the body parsers or the text-safety check refused (NUL characters, invalid Unicode, in the body or the
  // query) is an RFC 6749 invalid_request too, audited, never a problem without `error`. 413 and 415 stay as they are.
  const unreadable: ErrorRequestHandler = (err: unknown, req, _res, next) => {
    if (
      req.method !== 'POST' ||
      req.path !== TOKEN_PATH ||
      !(err instanceof AppError) ||
      err.status !== 400 ||
      err.code.startsWith('OAUTH.')
    ) {
      return next(err);
    }
    service
      .refused(new TokenRefusal('invalid_request', 'REQUEST.MALFORMED', err.detail ?? 'The token request could not be read.'))
      .then(next, next);
  };
  return [r, unreadable];
}

/** POST /oauth2/token: OAuth 2.0 client credentials with a private_key_jwt client assertion. */
export function tokenRouter(service: TokenService): Router {
  const r = Router();
  r.post(TOKEN_PATH, async (req, res) => {
    const issued = await service.issue(await parseOrRefuse(service, req.body));
    // RFC 6749 §5.1: token responses must not be cached.
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    res.json(issued);
  });
  return r;
}
