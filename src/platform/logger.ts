import pino, { type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Personal data must never reach the logs. The first defence is that request
 * and response bodies are never logged at all; this redaction list is the
 * second, for a field name that slips into a log call by mistake.
 */
const PERSONAL_FIELDS = [
  'nhsNumber', 'nhs_number', 'firstName', 'first_name', 'lastName', 'last_name',
  'surname', 'givenName', 'familyName', 'names', 'alternativeNames',
  'dateOfBirth', 'date_of_birth', 'dob', 'address', 'addressLines', 'postcode',
  'email', 'phone', 'circumstances', 'narrative', 'freeText', 'body',
];
const SECRET_FIELDS = ['password', 'token', 'accessToken', 'client_assertion', 'SAMLResponse', 'cookie', 'authorization'];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...[...PERSONAL_FIELDS, ...SECRET_FIELDS].flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'cdop-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: safeErrorSerializer },
    },
    destination,
  );
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
    if (typeof v === 'string' || typeof v === 'number') out[f] = fromDatabase && (f === 'message' || f === 'stack') ? maskValues(String(v)) : v;
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
