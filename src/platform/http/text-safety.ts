import type { NextFunction, Request, Response } from 'express';
import { badRequest, type FieldError } from './problem';

// A lone surrogate is not a Unicode scalar value: PostgreSQL (UTF8) and most
// consumers would reject or mangle it. NUL cannot be stored in a text column.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * How deeply a JSON body may nest. The deepest document in the contract is a
 * handful of levels; anything deeper is refused here, before any recursive
 * code (the validator, the idempotency fingerprint, log redaction) sees it.
 */
const MAX_JSON_DEPTH = 32;

/**
 * Refuses JSON bodies nested deeper than MAX_JSON_DEPTH, or a body or query
 * string carrying NUL characters or invalid Unicode anywhere (values and
 * keys), with a 400 naming each field, before anything reaches PostgreSQL
 * (which cannot store NUL in text, and fails the whole statement on it). The
 * walk is iterative: a body of any depth cannot overflow the stack.
 */
export function rejectUnsafeText(req: Request, _res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  const query: unknown = req.query;
  const problem =
    (typeof query === 'object' && query !== null ? unsafeTextProblems(query, 'query', 'The query string') : undefined) ??
    (typeof body === 'object' && body !== null ? unsafeTextProblems(body, 'body', 'The body') : undefined);
  if (problem) return next(problem);
  next();
}

function unsafeTextProblems(root: object, rootPath: string, what: string): Error | undefined {
  const errors: FieldError[] = [];
  // Depth-first with an explicit stack; paths are built only for values that are reported.
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: rootPath, depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) errors.push({ field: path, message: 'must not contain NUL characters', code: 'nul' });
      else if (LONE_SURROGATE.test(value)) errors.push({ field: path, message: 'must be valid Unicode', code: 'unicode' });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      return badRequest(
        `${what} is nested more than ${MAX_JSON_DEPTH} levels deep.`,
        [{ field: path, message: `nested more than ${MAX_JSON_DEPTH} levels deep`, code: 'depth' }],
        'REQUEST.TOO_DEEP',
      );
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    const entries: [string, unknown][] = Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, v] = entries[i]!;
      if (k.includes('\u0000') || LONE_SURROGATE.test(k))
        errors.push({ field: path, message: 'has a property name that is not valid text', code: 'key' });
      stack.push({ value: v, path: `${path}.${k}`, depth: depth + 1 });
    }
  }
  return errors.length ? badRequest(`${what} contains characters that cannot be stored.`, errors, 'REQUEST.INVALID_TEXT') : undefined;
}
