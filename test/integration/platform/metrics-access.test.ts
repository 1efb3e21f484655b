import http from 'node:http';
import request from 'supertest';
import { createApp } from '../../../src/app';
import { loadOpenApi } from '../../../src/platform/http/openapi';
import { startService } from '../../../src/server';
import { capturingLogger, startTestApp, testConfig, type TestApp } from '../../support/app';
import { testAuthenticator } from '../../support/principals';

// Who may call: /metrics is public only outside production. In production it is served on METRICS_PORT (its own
// listener, not the API's) or, on the API port, only to holders of METRICS_TOKEN.

const TOKEN = 'm'.repeat(40);

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ METRICS_TOKEN: TOKEN });
  });
  afterAll(() => t.close());

  it('when /metrics is asked for without the token or with another, then 401 problem+json', async () => {
    for (const auth of [undefined, `Bearer ${'x'.repeat(40)}`, TOKEN, `Bearer ${TOKEN}x`]) {
      const req = request(t.app).get('/metrics');
      if (auth) req.set('Authorization', auth);
      const res = await req;
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.text).not.toContain('http_request_duration_seconds');
    }
  });

  it('when /metrics is asked for with the token, then the metrics', async () => {
    const res = await request(t.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('db_pool_connections_total');
  });
});

describe('production without a token or a port of its own', () => {
  it('when /metrics is asked for on the API port, then 404', async () => {
    const config = { ...testConfig(), env: 'production' as const };
    const { log } = capturingLogger('silent');
    const t = await startTestApp();
    try {
      const app = createApp({
        config,
        log,
        dataSource: t.ds,
        openapi: await loadOpenApi(config.openapiPath),
        auth: [{ authenticators: [testAuthenticator] }],
      });
      expect((await request(app).get('/metrics')).status).toBe(404);
      expect((await request(app).get('/health/live')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('METRICS_PORT', () => {
  it('when set, then /metrics is served on its own listener and not on the API port', async () => {
    const { log } = capturingLogger('silent');
    const service = await startService(testConfig({ PORT: '0', HOST: '127.0.0.1', METRICS_PORT: '0', METRICS_HOST: '127.0.0.1' }), log, {
      auth: [{ authenticators: [testAuthenticator] }],
    });
    try {
      expect(service.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      await get(`${service.url}/health/live`);
      const metrics = await get(service.metricsUrl!);
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('http_request_duration_seconds_count{method="GET",route="/health/live",status="200"} 1');
      expect((await get(`${service.url}/metrics`)).status).toBe(404);
      // The metrics listener serves nothing else.
      expect((await get(service.metricsUrl!.replace('/metrics', '/health/live'))).status).toBe(404);
    } finally {
      await service.shutdown('test');
    }
  });
});
