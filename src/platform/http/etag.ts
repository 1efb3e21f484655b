import type { Request } from 'express';
import { preconditionFailed, preconditionRequired } from './problem';

/** Strong ETag from the row's optimistic-concurrency version. */
export function etagOf(version: number): string {
  return `"v${version}"`;
}

/**
 * The version the client says it last saw, from If-Match. Missing: 428.
 * Unparseable: 412 (it cannot match). `*` is refused: a blind overwrite is what If-Match exists to stop.
 */
export function requireIfMatch(req: Request): number {
  const header = req.get('if-match');
  if (!header) throw preconditionRequired();
  const m = /^\s*(?:W\/)?"v(\d{1,9})"\s*$/.exec(header);
  if (!m) throw preconditionFailed();
  return Number(m[1]);
}
