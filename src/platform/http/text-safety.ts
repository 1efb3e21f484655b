import type { NextFunction, Request, Response } from 'express';
import { badRequest, type FieldError } from './problem';

// A lone surrogate is not a Unicode scalar value: PostgreSQL (UTF8) and most
// consumers would reject or mangle it. NUL cannot be stored in a text column.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses JSON bodies carrying NUL characters or invalid Unicode anywhere
 * (values and keys) with a 400 naming each field, before anything reaches
 * PostgreSQL.
 */
export function rejectUnsafeText(req: Request, _res: Response, next: NextFunction): void {
  if (req.body === undefined || req.body === null || typeof req.body !== 'object') return next();
  const errors: FieldError[] = [];
  walk(req.body, 'body', errors);
  if (errors.length)
    return next(badRequest('The body contains characters that cannot be stored.', errors.slice(0, 50), 'REQUEST.INVALID_TEXT'));
  next();
}

function walk(value: unknown, path: string, errors: FieldError[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) errors.push({ field: path, message: 'must not contain NUL characters', code: 'nul' });
    else if (LONE_SURROGATE.test(value)) errors.push({ field: path, message: 'must be valid Unicode', code: 'unicode' });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, `${path}[${i}]`, errors));
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000') || LONE_SURROGATE.test(k))
        errors.push({ field: path, message: 'has a property name that is not valid text', code: 'key' });
      walk(v, `${path}.${k}`, errors);
    }
  }
}
