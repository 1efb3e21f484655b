import { createRequire } from 'node:module';

/**
 * express-openapi-validator (5.6.2, the latest) finds a request's operation by
 * compiling every documented route with path-to-regexp on every request
 * (openapi.metadata.js, lookupRoute): about 60–100 µs per request here, for a
 * result that never changes. Upstream pull request #1217 ("perf: cache route
 * matchers", open) caches the compiled matchers; until it is released, the
 * copy of path-to-regexp the validator loads gets a memoised pathToRegexp.
 *
 * Equivalent by construction: pathToRegexp is a pure function of the route
 * and options; the validator only reads the result (keys, and exec on a regexp
 * without the g or y flag, which keeps no state). Express's own router uses
 * path-to-regexp's `match`, which is left alone. The cache holds one entry per
 * (route, options) pair the validator asks for: the routes of the spec.
 *
 * Remove when the validator caches matchers itself.
 */
type PathToRegexp = (path: unknown, options?: Record<string, unknown>) => unknown;

const MEMOISED = Symbol.for('cdop.pathToRegexp.memoised');
const CACHE_MAX = 10_000;

export function memoiseValidatorRouteMatchers(): void {
  const requireFromValidator = createRequire(require.resolve('express-openapi-validator'));
  const ptr = requireFromValidator('path-to-regexp') as { pathToRegexp: PathToRegexp & { [MEMOISED]?: true } };
  if (ptr.pathToRegexp[MEMOISED]) return;
  const original = ptr.pathToRegexp;
  const cache = new Map<string, unknown>();
  const memoised = ((path: unknown, options?: Record<string, unknown>) => {
    // The validator passes { sensitive, strict }; anything else is compiled as before.
    if (typeof path !== 'string' || (options && Object.keys(options).some((k) => k !== 'sensitive' && k !== 'strict'))) {
      return original(path, options);
    }
    const key = `${options?.sensitive ? 1 : 0}${options?.strict ? 1 : 0}${path}`;
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = original(path, options);
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(key, hit);
    }
    return hit;
  }) as PathToRegexp & { [MEMOISED]?: true };
  memoised[MEMOISED] = true;
  ptr.pathToRegexp = memoised;
}
