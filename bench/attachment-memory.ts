/**
 * Memory of an attachment download (issue 12: "streamed on download"): the
 * server's peak memory while a client downloads a 20 MiB file, against a
 * baseline measured in the same run, in the same server process:
 *
 * - baseline: the same client downloading a 4 kB file (the same route, code
 *   and audit; one slice), and an idle interval as long as the 20 MiB download;
 * - streamed: GET /v1/form-requests/{id}/attachments/{attachmentId} for the 20 MiB file;
 * - for contrast, what the service does not do: the whole file read with one
 *   `SELECT content` and sent with res.end (a route mounted only in this bench's server);
 * - the 20 MiB upload itself (read whole, by design, before its transaction).
 *
 *   npx tsx bench/attachment-memory.ts [--size-mib 20] [--rounds 3]
 *
 * The server runs in a child process (`--expose-gc`) with the application from
 * createApp (production configuration, the header-based test authenticator, as
 * the other benchmarks). Before each measurement the child collects garbage;
 * during it, it samples process.memoryUsage() every 2 ms; the table shows the
 * peak above the value at the start, median of the rounds: `arrayBuffers`
 * (Buffers: what a file in memory costs), `heapUsed` (strings, objects; the
 * hex text of slices) and `rss` (the whole process, allocator slack included).
 * Database: BENCH_DATABASE_URL, or an embedded PostgreSQL (bench/lib/database.ts).
 */
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { ENTITIES } from '../src/entities';
import { createDataSource, poolOf } from '../src/platform/db/data-source';
import { loadOpenApi } from '../src/platform/http/openapi';
import { createLogger } from '../src/platform/logger';
import { largePdf } from '../test/support/files';
import { LOCAL_TEMPLATE } from '../test/support/forms';
import { notification, nhsNumberFrom, seedDirectory } from '../test/support/notifications';
import { as, principal, testAuthenticator } from '../test/support/principals';
import { openBenchDatabase } from './lib/database';

type Peaks = { rss: number; heapUsed: number; arrayBuffers: number; external: number };
type ToChild = { type: 'start'; live: boolean } | { type: 'stop' } | { type: 'exit' };
type ToParent = { type: 'ready'; port: number } | { type: 'started' } | { type: 'peaks'; peaks: Peaks };

// ─── the server (child) ───────────────────────────────────────────────────────

async function serve(): Promise<void> {
  const url = process.env.BENCH_CHILD_DATABASE_URL!;
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: url,
    LOG_LEVEL: 'warn',
    SEED_DEMO_DATA: 'false',
    PUBLIC_BASE_URL: 'https://cdop-bench.invalid',
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    SAML_SP_KEY_FILE: 'bench/unused/sp-key.pem',
    SAML_SP_CERT_FILE: 'bench/unused/sp-cert.pem',
    ACCESS_TOKEN_SIGNING_KEY_FILE: 'bench/unused/access-token-key.pem',
  });
  const log = createLogger('info', new Writable({ write: (_c, _e, cb) => cb() }));
  const openapi = await loadOpenApi(config.openapiPath);
  const dataSource = createDataSource({ ...config.database, url, log, entities: ENTITIES });
  await dataSource.initialize();
  const app = createApp({ config, log, dataSource, openapi, auth: [{ authenticators: [testAuthenticator] }] });
  // The contrast only: the whole file in one statement, sent in one piece (not an API route).
  const naive = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const id = req.url!.split('/').pop()!;
    const { rows } = await poolOf(dataSource).query<{ content: Buffer }>(`SELECT content FROM form_attachments WHERE id = $1`, [id]);
    res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Length': rows[0]!.content.length });
    res.end(rows[0]!.content);
  };
  const server = http.createServer((req, res) => (req.url!.startsWith('/bench/naive/') ? void naive(req, res) : app(req, res)));
  server.listen(0, '127.0.0.1', () => process.send!({ type: 'ready', port: (server.address() as AddressInfo).port } satisfies ToParent));

  let timer: NodeJS.Timeout | undefined;
  let start: Peaks = { rss: 0, heapUsed: 0, arrayBuffers: 0, external: 0 };
  let peak = start;
  const sample = () => {
    const m = process.memoryUsage();
    peak = {
      rss: Math.max(peak.rss, m.rss),
      heapUsed: Math.max(peak.heapUsed, m.heapUsed),
      arrayBuffers: Math.max(peak.arrayBuffers, m.arrayBuffers),
      external: Math.max(peak.external, m.external),
    };
  };
  process.on('message', (msg: ToChild) => {
    if (msg.type === 'start') {
      (globalThis as { gc?: () => void }).gc?.();
      const m = process.memoryUsage();
      start = peak = { rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, external: m.external };
      const gc = (globalThis as { gc?: () => void }).gc;
      // live: collect before every sample, so the peak is what is still referenced (slower; a bench's view only).
      timer = msg.live && gc ? setInterval(() => (gc(), sample()), 5) : setInterval(sample, 2);
      process.send!({ type: 'started' } satisfies ToParent);
    } else if (msg.type === 'stop') {
      clearInterval(timer);
      sample();
      const delta = {
        rss: peak.rss - start.rss,
        heapUsed: peak.heapUsed - start.heapUsed,
        arrayBuffers: peak.arrayBuffers - start.arrayBuffers,
        external: peak.external - start.external,
      };
      process.send!({ type: 'peaks', peaks: delta } satisfies ToParent);
    } else {
      server.close();
      void dataSource.destroy().then(() => process.exit(0));
    }
  });
}

// ─── the client (parent) ──────────────────────────────────────────────────────

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'size-mib': { type: 'string', default: '20' }, rounds: { type: 'string', default: '3' } } });
  const size = Math.round(Number(values['size-mib']) * 1024 * 1024);
  const rounds = Number(values.rounds);
  const db = await openBenchDatabase();
  const child = fork(__filename, ['--serve'], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, NODE_ENV: 'production', BENCH_CHILD_DATABASE_URL: db.url },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (type: ToParent['type']) =>
    new Promise<ToParent>((resolve) => {
      const on = (m: ToParent) => {
        if (m.type !== type) return;
        child.off('message', on);
        resolve(m);
      };
      child.on('message', on);
    });
  const { port } = (await next('ready')) as { port: number };
  const base = `http://127.0.0.1:${port}`;

  try {
    const ds = createDataSource({
      url: db.url,
      poolMax: 2,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 60000,
      log: createLogger('silent'),
      entities: ENTITIES,
    });
    await ds.initialize();
    const dir = await seedDirectory(ds);
    await ds.destroy();
    const json = async (method: string, path: string, who: Record<string, string>, body?: unknown, extra: Record<string, string> = {}) => {
      const res = await fetch(base + path, {
        method,
        headers: { ...who, ...extra, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, string>;
    };
    const admin = as(principal('administrator'));
    const coordinator = as(principal('cdop_coordinator', { panelIds: [dir.panelId] }));
    const hospital = as(principal('agency_contributor', { agencyId: dir.hospitalId }));
    await json('POST', '/v1/form-templates', admin, LOCAL_TEMPLATE);
    await json('POST', `/v1/form-templates/${LOCAL_TEMPLATE.id}/versions/1/publish`, admin);
    const notified = await json(
      'POST',
      '/v1/notifications',
      as(principal('hospital_system', { agencyId: dir.hospitalId })),
      notification(dir, { nhsNumber: nhsNumberFrom(4242) }),
      {
        'Idempotency-Key': `bench-${Date.now()}`,
      },
    );
    const asked = await json('POST', `/v1/cases/${notified.caseId}/form-requests`, coordinator, {
      agencyOdsCode: 'RWP',
      templateId: LOCAL_TEMPLATE.id,
    });
    const requestId = asked.id!;

    const measure = async <R>(work: () => Promise<R>, live = false): Promise<{ peaks: Peaks; ms: number; result: R }> => {
      child.send({ type: 'start', live } satisfies ToChild);
      await next('started');
      const t0 = performance.now();
      const result = await work();
      const ms = performance.now() - t0;
      child.send({ type: 'stop' } satisfies ToChild);
      const { peaks } = (await next('peaks')) as { peaks: Peaks };
      return { peaks, ms, result };
    };
    const upload = (bytes: Buffer, name: string) =>
      new Promise<{ id: string; sha256: string }>((resolve, reject) => {
        const req = http.request(
          `${base}/v1/form-requests/${requestId}/attachments`,
          {
            method: 'POST',
            headers: { ...hospital, 'Content-Type': 'application/pdf', 'Attachment-Filename': name, 'Content-Length': bytes.length },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () =>
              res.statusCode === 201 ? resolve(JSON.parse(text)) : reject(new Error(`upload: ${res.statusCode} ${text}`)),
            );
          },
        );
        req.on('error', reject);
        req.end(bytes);
      });
    /** Downloads with a plain http client, hashing and discarding each chunk: the client keeps nothing either. */
    const download = (path: string) =>
      new Promise<{ bytes: number; sha256: string }>((resolve, reject) => {
        http
          .get(base + path, { headers: hospital }, (res) => {
            if (res.statusCode !== 200) return reject(new Error(`download ${path}: ${res.statusCode}`));
            const hash = createHash('sha256');
            let bytes = 0;
            res.on('data', (c: Buffer) => {
              bytes += c.length;
              hash.update(c);
            });
            res.on('end', () => resolve({ bytes, sha256: hash.digest('hex') }));
          })
          .on('error', reject);
      });

    const bigFile = largePdf(size);
    const smallFile = largePdf(4096);
    const up = await measure(() => upload(bigFile, 'big.pdf'));
    const upLive = await measure(() => upload(bigFile, 'big-again.pdf'), true);
    const small = await upload(smallFile, 'small.pdf');
    const rows: Record<string, { peaks: Peaks; ms: number }[]> = {
      small: [],
      idle: [],
      streamed: [],
      whole: [],
      streamedLive: [],
      wholeLive: [],
    };
    const check = (r: { bytes: number; sha256: string }) => {
      if (r.bytes !== size || r.sha256 !== up.result.sha256) throw new Error('the download differs from the upload');
    };
    for (let r = 0; r < rounds; r++) {
      rows.small!.push(await measure(() => download(`/v1/form-requests/${requestId}/attachments/${small.id}`)));
      const streamed = await measure(() => download(`/v1/form-requests/${requestId}/attachments/${up.result.id}`));
      check(streamed.result);
      rows.streamed!.push(streamed);
      rows.idle!.push(await measure(() => new Promise((res) => setTimeout(res, streamed.ms))));
      const whole = await measure(() => download(`/bench/naive/${up.result.id}`));
      check(whole.result);
      rows.whole!.push(whole);
      const streamedLive = await measure(() => download(`/v1/form-requests/${requestId}/attachments/${up.result.id}`), true);
      check(streamedLive.result);
      rows.streamedLive!.push(streamedLive);
      const wholeLive = await measure(() => download(`/bench/naive/${up.result.id}`), true);
      check(wholeLive.result);
      rows.wholeLive!.push(wholeLive);
    }

    const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const line = (label: string, list: { peaks: Peaks; ms: number }[]) =>
      `| ${label} | ${mib(median(list.map((x) => x.peaks.arrayBuffers)))} | ${mib(median(list.map((x) => x.peaks.heapUsed)))} | ${mib(median(list.map((x) => x.peaks.rss)))} | ${Math.round(median(list.map((x) => x.ms)))} ms |`;
    console.log(
      `\nAttachment memory: a ${mib(size)} PDF, ${rounds} rounds (medians), peak above the start of each measurement, in the server process\n`,
    );
    console.log('| What | arrayBuffers | heapUsed | rss | time |');
    console.log('|---|---|---|---|---|');
    console.log(line('baseline: idle, as long as the download', rows.idle!));
    console.log(line('baseline: download a 4 kB attachment', rows.small!));
    console.log(line(`download ${mib(size)}, streamed (the service)`, rows.streamed!));
    console.log(line(`download ${mib(size)}, whole file in one SELECT (contrast only)`, rows.whole!));
    console.log(line(`upload ${mib(size)} (once)`, [up]));
    console.log(
      '\nStill referenced (garbage collected before every sample, every 5 ms: slower, and what the code holds, not what the allocator keeps):\n',
    );
    console.log('| What | arrayBuffers | heapUsed | rss | time |');
    console.log('|---|---|---|---|---|');
    console.log(line(`download ${mib(size)}, streamed (the service)`, rows.streamedLive!));
    console.log(line(`download ${mib(size)}, whole file in one SELECT (contrast only)`, rows.wholeLive!));
    console.log(line(`upload ${mib(size)} (once)`, [upLive]));
  } finally {
    child.send({ type: 'exit' } satisfies ToChild);
    await new Promise((r) => child.once('exit', r));
    await db.close();
  }
}

if (process.argv.includes('--serve')) void serve();
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
