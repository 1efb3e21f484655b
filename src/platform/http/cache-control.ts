import type { NextFunction, Request, Response } from 'express';

/**
 * `Cache-Control: no-store` on every response under the given path prefixes,
 * set before anything else runs so errors (401, 404, 429, 500…) carry it too:
 * those responses hold personal data or credentials, and no browser, proxy or
 * CDN may keep a copy.
 */
export function noStore(prefixes: readonly string[]) {
  const matches = (path: string) => prefixes.some((p) => path === p || path.startsWith(`${p}/`));
  return (req: Request, res: Response, next: NextFunction): void => {
    if (matches(req.path)) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
    }
    next();
  };
}
