import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { error as OpenApiErrors } from 'express-openapi-validator';
import { AppError, problemType, type FieldError, type Problem } from './problem';
import { databaseTrouble } from '../db/errors';
import { NonexistentLondonTimeError } from '../time/london-time';

const PROBLEM_JSON = 'application/problem+json';

/**
 * At most this many field errors go into a problem document; `errorsOmitted`
 * counts the rest. A 200 kB array of bad items otherwise makes a response many
 * megabytes long, for anyone who sends it.
 */
const MAX_FIELD_ERRORS = 50;
/** At most this many field names are listed in a validation problem's `detail`. */
const MAX_FIELDS_IN_DETAIL = 10;

/** Anything no route answered: a 404 problem (the validator normally gets there first). */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError({ status: 404, code: 'ROUTE.NOT_FOUND', title: 'Not found', detail: `No route for ${req.method} ${req.path}.` }));
};

/**
 * The one place errors become HTTP responses. Every error leaves as
 * application/problem+json with a stable code. Unexpected errors are logged
 * with their stack and answered with the request id only.
 */
export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const appError = toAppError(err);
  const requestId = req.ctx?.requestId ?? 'unknown';
  if (!appError || appError.status === 500) {
    req.ctx?.log.error({ err }, 'unhandled error');
    send(req, res, { status: 500, code: 'INTERNAL.ERROR', title: 'Internal server error', requestId });
    return;
  }
  if (appError.status >= 500) req.ctx?.log.error({ err, code: appError.code }, 'request failed');
  for (const [name, value] of Object.entries(appError.headers ?? {})) res.setHeader(name, value);
  send(req, res, {
    ...appError.extensions,
    status: appError.status,
    code: appError.code,
    title: appError.title,
    detail: appError.detail,
    errors: appError.errors,
    requestId,
  });
};

type ProblemFields = { status: number; code: string; title: string; requestId: string; detail?: string; errors?: FieldError[] } & Record<
  string,
  unknown
>;

/** The one problem builder: every problem document leaves through here. */
function send(req: Request, res: Response, p: ProblemFields): void {
  const body: Problem = { type: problemType(p.code), ...p, instance: req.path };
  if (body.detail === undefined) delete body.detail;
  if (body.errors === undefined) delete body.errors;
  else if (body.errors.length > MAX_FIELD_ERRORS) {
    body.errorsOmitted = body.errors.length - MAX_FIELD_ERRORS;
    body.errors = body.errors.slice(0, MAX_FIELD_ERRORS);
  }
  res.status(p.status).type(PROBLEM_JSON).send(JSON.stringify(body));
}

function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  const bodyParser = bodyParserProblem(err);
  if (bodyParser) return bodyParser;
  if (err instanceof OpenApiErrors.NotFound) {
    return new AppError({ status: 404, code: 'ROUTE.NOT_FOUND', title: 'Not found', detail: 'No such resource or route.' });
  }
  if (err instanceof OpenApiErrors.MethodNotAllowed) {
    const allow = err.headers?.Allow;
    return new AppError({
      status: 405,
      code: 'ROUTE.METHOD_NOT_ALLOWED',
      title: 'Method not allowed',
      detail: allow ? `Allowed methods: ${allow}.` : 'This method is not allowed here.',
      headers: allow ? { Allow: allow } : undefined,
    });
  }
  if (err instanceof OpenApiErrors.UnsupportedMediaType) {
    return new AppError({
      status: 415,
      code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
      title: 'Unsupported media type',
      detail: 'Send the body as application/json.',
    });
  }
  if (err instanceof OpenApiErrors.RequestEntityTooLarge) return tooLarge();
  if (err instanceof OpenApiErrors.BadRequest) {
    const errors = fieldErrors(err.errors);
    return new AppError({
      status: 400,
      code: 'VALIDATION.FAILED',
      title: 'The request is not valid',
      detail: fieldsDetail(errors),
      errors,
    });
  }
  if (err instanceof NonexistentLondonTimeError) {
    // A caller that knows its field passes it; otherwise the problem still says what was wrong.
    const field = err.field ?? 'body';
    return new AppError({
      status: 400,
      code: 'VALIDATION.FAILED',
      title: 'The request is not valid',
      detail: `${field} is a London local time that did not exist (the clocks went forward an hour).`,
      errors: [{ field, message: 'this local time did not exist in London (the clocks went forward)', code: 'nonexistent_local_time' }],
    });
  }
  const trouble = databaseTrouble(err);
  if (trouble) {
    return new AppError({
      status: 503,
      code: 'SERVICE.UNAVAILABLE',
      title: 'Service unavailable',
      detail:
        trouble.kind === 'unavailable'
          ? 'The database is unavailable. Try again shortly.'
          : trouble.kind === 'busy'
            ? 'The database is too busy to answer in time. Try again shortly.'
            : 'The request collided with another one changing the same data. Try again.',
      headers: { 'Retry-After': String(trouble.retryAfterS) },
    });
  }
  return undefined;
}

/** "3 fields failed validation: body.a, body.b, body.c." listing at most MAX_FIELDS_IN_DETAIL names. */
function fieldsDetail(errors: FieldError[]): string {
  const fields = [...new Set(errors.map((e) => e.field))];
  const listed = fields.slice(0, MAX_FIELDS_IN_DETAIL).join(', ');
  const more = fields.length > MAX_FIELDS_IN_DETAIL ? ` and ${fields.length - MAX_FIELDS_IN_DETAIL} more` : '';
  return `${errors.length} field${errors.length === 1 ? '' : 's'} failed validation: ${listed}${more}.`;
}

function tooLarge(): AppError {
  return new AppError({
    status: 413,
    code: 'REQUEST.TOO_LARGE',
    title: 'Payload too large',
    detail: 'The request body is larger than the limit.',
  });
}

function bodyParserProblem(err: unknown): AppError | undefined {
  if (typeof err !== 'object' || err === null || !('type' in err)) return undefined;
  switch (err.type) {
    case 'entity.parse.failed':
      return new AppError({
        status: 400,
        code: 'REQUEST.MALFORMED_JSON',
        title: 'Malformed JSON',
        detail: 'The request body is not valid JSON.',
      });
    case 'entity.too.large':
      return tooLarge();
    case 'parameters.too.many':
      // A form body with more fields than the parser's parameterLimit (app.ts).
      return new AppError({
        status: 413,
        code: 'REQUEST.TOO_LARGE',
        title: 'Payload too large',
        detail: 'The form has more fields than are accepted.',
      });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError({
        status: 415,
        code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
        title: 'Unsupported media type',
        detail: 'Send UTF-8 JSON.',
      });
    case 'request.aborted':
      return new AppError({
        status: 400,
        code: 'REQUEST.ABORTED',
        title: 'Request aborted',
        detail: 'The client closed the request before the body arrived.',
      });
    default:
      return undefined;
  }
}

/** Validator paths like `/body/localAuthorities/0/code` become `body.localAuthorities[0].code`. */
export function fieldErrors(items: { path: string; message: string; errorCode?: string }[]): FieldError[] {
  return items.map((i) => {
    const extra = /must NOT have additional properties/.test(i.message) ? additionalProperty(i) : undefined;
    return {
      field: toFieldPath(extra ? `${i.path}/${extra}` : i.path),
      message: extra ? 'unknown property' : i.message,
      ...(i.errorCode ? { code: i.errorCode.replace(/\.openapi\.validation$/, '') } : {}),
    };
  });
}

function additionalProperty(i: { path: string; message: string }): string | undefined {
  const m = /additional propert(?:y|ies)[^']*'([^']+)'/.exec(i.message);
  return m?.[1];
}

export function toFieldPath(path: string): string {
  const parts = path
    .replace(/^[./]+/, '')
    .split(/[./]/)
    .filter(Boolean);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}
