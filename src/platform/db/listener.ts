import pg from 'pg';
import type { ClientConfig, Pool } from 'pg';
import type { Logger } from '../logger';

export interface ListenOptions {
  /** Where to connect; a dedicated connection is opened (never one of the pool's: it must stay LISTENing). */
  connection: ClientConfig;
  channel: string;
  /** Each notification's payload, in commit order. Must not throw (a throw is logged and ignored). */
  onMessage(payload: string): void;
  /**
   * Called with true once LISTEN is in place (at the first connection and at
   * every reconnection): every change committed from now on will be announced.
   * Called with false when the connection is lost or closed: from then until the
   * next true, changes may go unannounced. Either way, drop whatever was derived
   * from earlier messages.
   */
  onReset(listening: boolean): void;
  log: Logger;
  /**
   * A query on the listening connection this often proves it is alive; a
   * half-open TCP connection otherwise looks healthy while delivering nothing.
   */
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  /** Reconnection backoff: doubles from min to max, with jitter. */
  retryMinMs?: number;
  retryMaxMs?: number;
}

export interface Listener {
  /** True while LISTEN is in place on a live connection. */
  readonly listening: boolean;
  /** Stops listening and reconnecting; resolves once the connection is closed. */
  close(): Promise<void>;
}

const DEFAULTS = { heartbeatMs: 2_000, heartbeatTimeoutMs: 2_000, retryMinMs: 250, retryMaxMs: 10_000 };
const END_WAIT_MS = 2_000;

/**
 * The connection settings of a pool, for a connection of one's own to the same
 * database (connection fields only: not the pool's size or idle settings).
 */
export function connectionOf(pool: Pool): ClientConfig {
  const o = pool.options;
  return {
    connectionString: o.connectionString,
    host: o.host,
    port: o.port,
    user: o.user,
    password: o.password,
    database: o.database,
    ssl: o.ssl,
    connectionTimeoutMillis: o.connectionTimeoutMillis,
    application_name: o.application_name,
  };
}

/**
 * LISTENs on a channel over a dedicated pg.Client and keeps doing so:
 * reconnects with backoff whenever the connection drops or stops answering
 * its heartbeat, and reports every start and loss through onReset so a cache
 * fed by the messages can never outlive a gap in them. It never throws after
 * returning and never keeps the process alive (its socket and timers are
 * unref'd); errors are logged by the safe serializer (no statement parameters).
 */
export function listen(options: ListenOptions): Listener {
  const o = {
    ...options,
    heartbeatMs: options.heartbeatMs ?? DEFAULTS.heartbeatMs,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? DEFAULTS.heartbeatTimeoutMs,
    retryMinMs: options.retryMinMs ?? DEFAULTS.retryMinMs,
    retryMaxMs: options.retryMaxMs ?? DEFAULTS.retryMaxMs,
  };
  const { log, channel } = o;
  const connection: ClientConfig = {
    ...o.connection,
    // Its own name, so an operator (or a test) can tell it from the pool's connections.
    application_name: `${o.connection.application_name ?? 'node'}:listen:${channel}`.slice(0, 63),
    keepAlive: true,
  };
  let client: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;

  const safely = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      log.error({ err, channel }, `listener ${what} callback failed`);
    }
  };

  function setListening(value: boolean): void {
    listening = value;
    safely('reset', () => o.onReset(value));
  }

  async function connect(): Promise<void> {
    retryTimer = undefined;
    if (closed) return;
    const c = new pg.Client(connection);
    client = c;
    // Without an 'error' listener a dropped connection would crash the process. Kept for the
    // client's whole life: it can still emit after we have given up on it.
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c));
    c.on('notification', (msg) => {
      if (client === c && msg.channel === channel) safely('message', () => o.onMessage(msg.payload ?? ''));
    });
    try {
      await c.connect();
      (c as unknown as { unref?(): void }).unref?.();
      await c.query(`LISTEN ${c.escapeIdentifier(channel)}`);
    } catch (err) {
      lost(c, err);
      return;
    }
    if (client !== c) return; // lost or closed meanwhile
    if (failures > 0) log.info({ channel, attempts: failures }, 'listening again');
    failures = 0;
    setListening(true);
    heartbeat(c);
  }

  function heartbeat(c: pg.Client): void {
    heartbeatTimer = setTimeout(async () => {
      let timeout: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          c.query('SELECT 1'),
          new Promise((_, reject) => {
            timeout = setTimeout(() => reject(new Error('heartbeat timed out')), o.heartbeatTimeoutMs);
            timeout.unref();
          }),
        ]);
      } catch (err) {
        lost(c, err);
        return;
      } finally {
        clearTimeout(timeout);
      }
      if (client === c) heartbeat(c);
    }, o.heartbeatMs);
    heartbeatTimer.unref();
  }

  function lost(c: pg.Client, err?: unknown): void {
    if (client !== c) return; // already handled
    client = undefined;
    clearTimeout(heartbeatTimer);
    if (listening) setListening(false);
    // end() forcibly closes a connection that is dead or stuck in a query.
    c.end().catch(() => undefined);
    if (closed) return;
    failures += 1;
    const ceiling = Math.min(o.retryMaxMs, o.retryMinMs * 2 ** Math.min(failures - 1, 20));
    const delayMs = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    // The first failure and then every tenth, so a long outage does not flood the log.
    if (failures === 1 || failures % 10 === 0) {
      log.warn(
        { ...(err === undefined ? {} : { err }), channel, attempts: failures, retryInMs: delayMs },
        'listener connection failed or lost; reconnecting',
      );
    }
    retryTimer = setTimeout(() => void connect(), delayMs);
    retryTimer.unref();
  }

  void connect();

  return {
    get listening() {
      return listening;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(heartbeatTimer);
      const c = client;
      client = undefined;
      if (listening) setListening(false);
      if (!c) return;
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([
        c.end().catch(() => undefined),
        new Promise<void>((resolve) => {
          wait = setTimeout(resolve, END_WAIT_MS);
          wait.unref();
        }),
      ]);
      clearTimeout(wait);
    },
  };
}
