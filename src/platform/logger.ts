import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Personal data must never reach the logs. The first defence is that request
 * and response bodies are never logged at all; this redaction list is the
 * second, for a field name that slips into a log call by mistake.
 */
const PERSONAL_FIELDS = [
  'nhsNumber',
  'nhs_number',
  'firstName',
  'first_name',
  'lastName',
  'last_name',
  'surname',
  'givenName',
  'familyName',
  'names',
  'alternativeNames',
  'dateOfBirth',
  'date_of_birth',
  'dob',
  'address',
  'addressLines',
  'postcode',
  'email',
  'phone',
  'circumstances',
  'narrative',
  'freeText',
  'body',
];
const SECRET_FIELDS = ['password', 'token', 'accessToken', 'client_assertion', 'SAMLResponse', 'cookie', 'authorization'];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...[...PERSONAL_FIELDS, ...SECRET_FIELDS].flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];

const REDACTED = '[redacted]';

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const logger = pino(
    {
      level,
      base: { service: 'cdop-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // REDACT_PATHS, applied by redactLogObject to every logged object, and below to every child
      // logger's bindings (pino's own `redact` engine spends about 40 µs a line on these wildcard paths).
      formatters: { level: (label) => ({ level: label }), log: redactLogObject },
      serializers: { err: safeErrorSerializer },
    },
    destination,
  );
  // Children are created from this instance (and inherit this method), so every level of child is covered.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with this logger as `this`
  const child = logger.child;
  logger.child = function redactedChild(this: Logger, bindings, options) {
    return child.call(this, redactLogObject(bindings), options);
  } as Logger['child'];
  return logger;
}

const SENSITIVE_KEYS = new Set([...PERSONAL_FIELDS, ...SECRET_FIELDS]);
/** The paths of REDACT_PATHS that are not "a sensitive key at any of the first three levels". */
const EXACT_PATHS = [
  ['req', 'headers', 'authorization'],
  ['req', 'headers', 'cookie'],
  ['res', 'headers', 'set-cookie'],
];

/**
 * REDACT_PATHS applied to a logged object: a key of PERSONAL_FIELDS or
 * SECRET_FIELDS at depth 0, 1 or 2 (array indices count as keys, as `*` does
 * in the paths), and the exact header paths, get the value "[redacted]". The
 * caller's object is never modified: only the objects on the way to a
 * redacted value are copied (none when nothing is redacted, the usual case).
 * Errors are not descended into: the err serializer keeps only an allow-list
 * of fields (none of them sensitive), so their other properties never reach
 * the log anyway.
 */
export function redactLogObject<T extends object>(obj: T): T {
  return redactLevel(obj as unknown as Record<string, unknown>, 0, '', '') as unknown as T;
}

function redactLevel(value: Record<string, unknown>, depth: number, k0: string, k1: string): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = value[key];
    let out = v;
    if (SENSITIVE_KEYS.has(key) || (depth === 2 && EXACT_PATHS.some((p) => p[0] === k0 && p[1] === k1 && p[2] === key))) {
      // As pino's engine: a key present is censored, even when undefined, except at the top level, where
      // pino leaves undefined values out of the line altogether.
      if (depth > 0 || v !== undefined) out = REDACTED;
    } else if (depth < 2 && typeof v === 'object' && v !== null && !(v instanceof Error) && !ArrayBuffer.isView(v)) {
      out = redactLevel(v as Record<string, unknown>, depth + 1, depth === 0 ? key : k0, depth === 1 ? key : '');
    }
    if (out !== v) {
      copy ??= shallowCopy(value);
      copy[key] = out;
    }
  }
  return copy ?? value;
}

function shallowCopy(value: Record<string, unknown>): Record<string, unknown> {
  if (Array.isArray(value)) return value.slice() as unknown as Record<string, unknown>;
  return Object.assign(Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>, value);
}

const ERROR_FIELDS = ['type', 'message', 'stack', 'code', 'status', 'constraint', 'table', 'column', 'routine', 'severity'] as const;

/**
 * Errors are logged by an allow-list of fields. Database errors carry the
 * statement's parameters and a `detail` that quotes values (personal data), so
 * those are dropped, and quoted values in messages are masked.
 */
export function safeErrorSerializer(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: '[non-error thrown]' };
  const out: Record<string, unknown> = { type: err.constructor?.name ?? err.name };
  const e = err as unknown as Record<string, unknown>;
  const fromDatabase = 'driverError' in e || 'severity' in e || err.name === 'QueryFailedError';
  for (const f of ERROR_FIELDS) {
    if (f === 'type') continue;
    const v = e[f];
    if (typeof v === 'string' || typeof v === 'number')
      out[f] = fromDatabase && (f === 'message' || f === 'stack') ? maskValues(String(v)) : v;
  }
  const driver = e.driverError ?? e.cause;
  if (driver instanceof Error) out.cause = safeErrorSerializer(driver);
  return out;
}

function maskValues(text: string): string {
  return text
    .replace(/"[^"\n]*"/g, '"…"')
    .replace(/\([^()\n]*\)=\([^\n]*?\)/g, '(…)=(…)')
    .replace(/'[^'\n]*'/g, "'…'");
}
