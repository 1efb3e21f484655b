import type { Tx } from '../db/transaction';

/**
 * A message to send once the caller's transaction commits.
 *
 * The caller builds `subject` and `text` itself, and they go out as given:
 * keep them free of the identity of anyone a record is about. A link to the
 * record in the service and its reference are enough for the recipient to
 * sign in and read the rest (docs/architecture.md, "Messages and jobs").
 */
export interface NewMessage {
  /** What the message is, for metrics and logs: lower case, digits, `.`, `_`, `-`; e.g. `request.reminder`. */
  kind: string;
  /** One e-mail address. */
  to: string;
  /** One line, at most 200 characters. */
  subject: string;
  /** Plain text, at most 20 000 characters. */
  text: string;
  /**
   * When set, enqueueing a second message with the same key does nothing (the
   * first is kept, whatever became of it), so a job that runs again, or a
   * command retried, sends once. Name what makes the message unique, e.g.
   * `<record id>:reminder:<due date>`. Kept as long as the message row
   * (MAIL_RETENTION_DAYS after it is sent).
   */
  dedupeKey?: string;
}

interface Enqueued {
  /** The message's id (also in its Message-ID), or the existing one's when dedupeKey matched. */
  id: string;
  /** False when a message with the same dedupeKey already existed (nothing new was written). */
  created: boolean;
}

const OUTBOX_LIMITS = { subject: 200, text: 20_000, dedupeKey: 200, address: 254 } as const;

const KIND = /^[a-z][a-z0-9_.-]{0,63}$/;
// One plain address: local@domain, no display name, no spaces, no list. Deliverability is the SMTP server's business.
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex -- as above, and line breaks too: a subject is one header line
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f]/;

/** A message the outbox refuses: a programming error in the caller, never the recipient's fault. */
export class InvalidMessageError extends Error {
  constructor(
    readonly field: keyof NewMessage,
    reason: string,
  ) {
    super(`outbox message ${field}: ${reason}`);
    this.name = 'InvalidMessageError';
  }
}

/** Checks a message before it is stored; the error names the field, never its value. */
function validateMessage(m: NewMessage): void {
  if (!KIND.test(m.kind)) throw new InvalidMessageError('kind', 'must match ' + KIND.source);
  if (m.to.length > OUTBOX_LIMITS.address || !ADDRESS.test(m.to)) throw new InvalidMessageError('to', 'must be one e-mail address');
  if (!m.subject.trim() || m.subject.length > OUTBOX_LIMITS.subject || CONTROL_OR_NEWLINE.test(m.subject)) {
    throw new InvalidMessageError('subject', `must be one line of 1 to ${OUTBOX_LIMITS.subject} characters`);
  }
  if (!m.text.trim() || m.text.length > OUTBOX_LIMITS.text || CONTROL.test(m.text)) {
    throw new InvalidMessageError('text', `must be 1 to ${OUTBOX_LIMITS.text} characters of text`);
  }
  if (m.dedupeKey !== undefined && (!m.dedupeKey || m.dedupeKey.length > OUTBOX_LIMITS.dedupeKey || CONTROL_OR_NEWLINE.test(m.dedupeKey))) {
    throw new InvalidMessageError('dedupeKey', `must be 1 to ${OUTBOX_LIMITS.dedupeKey} characters on one line`);
  }
}

/**
 * Writes a message to the outbox in the caller's transaction. It is sent after
 * the transaction commits (by the relay of any running instance), and never if
 * it rolls back. Throws InvalidMessageError for a malformed message.
 */
export async function enqueueMessage(tx: Tx, message: NewMessage): Promise<Enqueued> {
  validateMessage(message);
  const inserted: { id: string }[] = await tx.query(
    `INSERT INTO outbox_messages (kind, recipient, subject, body_text, dedupe_key)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id`,
    [message.kind, message.to, message.subject, message.text, message.dedupeKey ?? null],
  );
  if (inserted[0]) return { id: inserted[0].id, created: true };
  // Only a dedupe key can conflict; the other row is committed (or was, when the insert waited on it).
  const existing: { id: string }[] = await tx.query(`SELECT id FROM outbox_messages WHERE dedupe_key = $1`, [message.dedupeKey]);
  return { id: existing[0]!.id, created: false };
}
