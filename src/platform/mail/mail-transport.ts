import { createTransport } from 'nodemailer';
import type { Logger } from '../logger';

/** One e-mail as the outbox relay hands it to a transport. */
export interface OutgoingMail {
  /** `<id@domain>`, the same on every attempt, so a resend after a crash can be recognised as the same message. */
  messageId: string;
  /** What the message is (for logs and metrics only). */
  kind: string;
  from: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * Where mail goes. `send` resolves once the message is accepted (by the SMTP
 * server) and rejects with a MailSendError-like error otherwise.
 */
export interface MailTransport {
  readonly name: 'smtp' | 'log';
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** An SMTP server to relay through (SMTP_URL, or SMTP_HOST and friends: src/config.ts). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when offered, or always with requireTls. */
  secure: boolean;
  /** Refuse to send unless the connection is upgraded with STARTTLS (ignored when secure). */
  requireTls: boolean;
  user?: string;
  password?: string;
  /** Tests: a self-signed certificate on the test server. Never set from the environment. */
  tlsRejectUnauthorized?: boolean;
}

/** Every network step is bounded, so a send can never outlive the relay's transaction (outbox-relay.ts). */
const SMTP_TIMEOUTS_MS = { connection: 10_000, greeting: 10_000, socket: 20_000, dns: 5_000 } as const;

/** An SMTP transport (nodemailer); one connection per message, which suits the low volume of reminders. */
export function createSmtpTransport(settings: SmtpSettings): MailTransport {
  const transporter = createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    requireTLS: !settings.secure && settings.requireTls,
    auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
    connectionTimeout: SMTP_TIMEOUTS_MS.connection,
    greetingTimeout: SMTP_TIMEOUTS_MS.greeting,
    socketTimeout: SMTP_TIMEOUTS_MS.socket,
    dnsTimeout: SMTP_TIMEOUTS_MS.dns,
    tls: settings.tlsRejectUnauthorized === false ? { rejectUnauthorized: false } : undefined,
    // nodemailer's own logger would print addresses and protocol lines: off.
    logger: false,
    debug: false,
    // Bodies are plain text the caller built; nothing may pull in a file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    name: 'smtp',
    async send(mail) {
      await transporter.sendMail({
        messageId: mail.messageId,
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        // RFC 3834: automatic mail, so vacation responders stay quiet.
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    },
    close() {
      transporter.close();
    },
  };
}

/** The domain of an address (`a@b.example` → `b.example`), the most of a recipient the logs may carry. */
export function recipientDomain(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).toLowerCase() : '(none)';
}

/**
 * Development without an SMTP server: says a message was "sent" (its kind, its
 * Message-ID and the recipient's domain) and delivers nothing. Never logs the
 * address, the subject or the body.
 */
export function createLogTransport(log: Logger): MailTransport {
  return {
    name: 'log',
    send(mail) {
      log.info(
        { mail: { kind: mail.kind, messageId: mail.messageId, recipientDomain: recipientDomain(mail.to) } },
        'mail not delivered (no SMTP server configured): logged instead',
      );
      return Promise.resolve();
    },
    close() {},
  };
}

/**
 * The code of a failed send, safe to store and log: the transport's error code
 * and the SMTP reply code (`EENVELOPE:550`, `ECONNECTION`, `ETIMEDOUT`), never
 * the message, which can quote the address.
 */
export function mailErrorCode(err: unknown): string {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown; name?: unknown };
  const code = typeof e.code === 'string' && /^[A-Z][A-Z0-9_]{0,31}$/.test(e.code) ? e.code : undefined;
  const reply = typeof e.responseCode === 'number' && Number.isInteger(e.responseCode) ? e.responseCode : undefined;
  const base = code ?? (typeof e.name === 'string' && /^[A-Za-z]{1,40}$/.test(e.name) ? e.name : 'UNKNOWN');
  return reply !== undefined ? `${base}:${reply}` : base;
}

/**
 * A failure that no retry will cure: the server refused the recipient or the
 * message with a permanent (5xx) reply. Connection, TLS and authentication
 * failures, timeouts and 4xx replies are worth retrying (a misconfigured
 * password is fixed by an operator, and the message should still go).
 */
export function isPermanentMailError(err: unknown): boolean {
  const e = (err ?? {}) as { code?: unknown; responseCode?: unknown };
  return (
    (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600
  );
}
