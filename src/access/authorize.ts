import type { NextFunction, Request, Response } from 'express';
import { AppError, forbidden, unauthorized } from '../platform/http/problem';
import type { OperationObject } from '../platform/http/openapi';
import { isPermission } from './permissions';
import type { Principal } from './principal';

/** Resolves the caller from a session cookie or a bearer token; undefined when the request carries neither. */
export type Authenticator = (req: Request) => Promise<Principal | undefined>;

export function authenticate(authenticators: readonly Authenticator[]) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    for (const authenticateWith of authenticators) {
      const principal = await authenticateWith(req);
      if (principal) {
        req.ctx.principal = principal;
        req.ctx.log = req.ctx.log.child({ principal: `${principal.kind}:${principal.id}` });
        break;
      }
    }
    next();
  };
}

export function principalOf(req: Request): Principal {
  const p = req.ctx.principal as Principal | undefined;
  if (!p) throw unauthorized();
  return p;
}

/**
 * The one permission check. Runs after OpenAPI validation matched the
 * operation, and enforces the operation's `x-permission`. An operation with
 * neither `x-permission` nor `x-public` is refused outright (fail closed).
 * A signed-in caller refused for lack of permission is audited.
 */
export function authorize(onDenied: (req: Request, permission: string) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    check(req, res, (err?: unknown) => {
      if (err instanceof AppError && err.status === 403) {
        onDenied(req, String((req as Request & { openapi?: { schema?: OperationObject } }).openapi?.schema?.['x-permission'])).then(
          () => next(err),
          (auditErr: unknown) => next(auditErr),
        );
        return;
      }
      next(err);
    });
  };
}

function check(req: Request, _res: Response, next: (err?: unknown) => void): void {
  const op = (req as Request & { openapi?: { schema?: OperationObject } }).openapi?.schema;
  // Nothing in the contract matched: no handler behind this point may answer it.
  if (!op) return next(new AppError({ status: 404, code: 'ROUTE.NOT_FOUND', title: 'Not found', detail: 'No such resource or route.' }));
  if (op['x-public'] === true) return next();
  const permission = op['x-permission'];
  if (!isPermission(permission)) {
    return next(new AppError({ status: 500, code: 'INTERNAL.NO_PERMISSION_DECLARED', title: 'Internal server error' }));
  }
  const principal = req.ctx.principal as Principal | undefined;
  if (!principal) return next(unauthorized());
  if (!principal.permissions.has(permission)) return next(forbidden());
  next();
}
