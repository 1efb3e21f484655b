/**
 * The one error type the application throws on purpose. The error handler
 * turns it into an RFC 9457 problem document; anything else is a 500.
 */
export interface FieldError {
  field: string;
  message: string;
  code?: string;
}

interface ProblemInit {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: FieldError[];
  /** Extra members of the problem document (e.g. `allowedActions`). */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: FieldError[];
  readonly extensions?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title);
    this.name = 'AppError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.extensions = init.extensions;
    this.headers = init.headers;
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  requestId: string;
  errors?: FieldError[];
  /** How many field errors were left out of `errors` (it holds at most 50). */
  errorsOmitted?: number;
  [extension: string]: unknown;
}

export function problemType(code: string): string {
  return `urn:cdop:problem:${code.toLowerCase()}`;
}

// Shorthands for the problems every module raises.
export const badRequest = (detail: string, errors?: FieldError[], code = 'VALIDATION.FAILED') =>
  new AppError({ status: 400, code, title: 'The request is not valid', detail, errors });
export const unauthorized = (detail = 'Sign in or present a valid access token.', code = 'AUTH.UNAUTHENTICATED') =>
  new AppError({ status: 401, code, title: 'Not authenticated', detail });
export const forbidden = (detail = 'You do not have permission to do this.', code = 'AUTH.FORBIDDEN') =>
  new AppError({ status: 403, code, title: 'Forbidden', detail });
export const notFound = (what: string, code = 'RESOURCE.NOT_FOUND') =>
  new AppError({ status: 404, code, title: 'Not found', detail: `${what} was not found.` });
export const conflict = (code: string, detail: string, extensions?: Record<string, unknown>) =>
  new AppError({ status: 409, code, title: 'Conflict', detail, extensions });
export const preconditionRequired = () =>
  new AppError({
    status: 428,
    code: 'PRECONDITION.REQUIRED',
    title: 'If-Match required',
    detail: 'Send the ETag from your last GET in an If-Match header.',
  });
export const preconditionFailed = () =>
  new AppError({
    status: 412,
    code: 'PRECONDITION.FAILED',
    title: 'The resource has changed',
    detail: 'The If-Match header does not match the current version; GET it again and reapply your change.',
  });
