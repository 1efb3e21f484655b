import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SmtpSettings } from '../../src/platform/mail';

/** One message as the test SMTP server received it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  messageId: string | undefined;
  subject: string | undefined;
  autoSubmitted: string | undefined;
  raw: string;
}

export interface TestSmtpServer {
  settings: SmtpSettings;
  received: ReceivedMail[];
  /**
   * Decides each message's fate at the end of DATA: undefined accepts it; a
   * number is the SMTP reply code it is refused with (451 transient, 550 permanent).
   */
  refuse: ((attempt: number) => number | undefined) | undefined;
  /** Messages offered so far (accepted or refused). */
  offered: number;
  /** Resolves once `count` messages have been accepted (or rejects after timeoutMs). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  // Unfold continuation lines, then find the header.
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(unfolded);
  return m?.[1]?.trim();
}

/** A real SMTP server (smtp-server) on a free loopback port, keeping what it receives. */
export async function startTestSmtpServer(): Promise<TestSmtpServer> {
  const state: TestSmtpServer = {
    settings: { host: '127.0.0.1', port: 0, secure: false, requireTls: false },
    received: [],
    refuse: undefined,
    offered: 0,
    waitFor: async (count, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      while (state.received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} messages, received ${state.received.length}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return state.received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        state.offered++;
        const code = state.refuse?.(state.offered);
        if (code !== undefined) {
          const err = Object.assign(new Error(code >= 500 ? 'Refused for good' : 'Try again later'), { responseCode: code });
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        state.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          messageId: header(raw, 'Message-ID'),
          subject: header(raw, 'Subject'),
          autoSubmitted: header(raw, 'Auto-Submitted'),
          raw,
        });
        callback(null, 'Queued');
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  state.settings.port = (server.server.address() as AddressInfo).port;
  return state;
}
