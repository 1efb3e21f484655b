import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../../support/app';
import { describeWithBrowser, launchChromium } from '../../support/browser';

// GET /docs in a real browser: Swagger UI renders the contract from our own
// server only, under the CSP helmet sets, with nothing logged as an error.
// Uses the machine's Chromium (Debian package `chromium`); playwright-core
// never downloads a browser. Without one, the suite is skipped with the reason (fails in CI).

/** Where the screenshot goes (overwritten each run): DOCS_SCREENSHOT, or the temp folder. */
const SCREENSHOT = process.env.DOCS_SCREENSHOT ?? path.join(os.tmpdir(), 'cdop-docs-browser.png');

describeWithBrowser('GET /docs in headless Chromium', () => {
  let t: TestApp;
  let server: http.Server;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;

  const requested: string[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];
  const badResponses: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    server = http.createServer(t.app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('request', (req) => requested.push(req.url()));
    page.on('requestfailed', (req) => failedRequests.push(`${req.url()}: ${req.failure()?.errorText ?? '?'}`));
    page.on('response', (res) => {
      if (res.status() >= 400) badResponses.push(`${res.status()} ${res.url()}`);
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(`${msg.text()} (${msg.location().url || 'no location'})`);
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // Collected in the page itself as well: Chromium also logs each violation
    // to the console, but this catches any that it might not. (A string, as the
    // project's tsconfig has no DOM types.) Playwright injects it past the CSP.
    await page.addInitScript(`
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || '(inline)'));
      });
    `);

    const res = await page.goto(`${baseUrl}/docs`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    // Swagger UI fetches /openapi.json and renders one .opblock per operation.
    await page.locator('.opblock').first().waitFor({ state: 'visible', timeout: 20_000 });
    await page
      .getByRole('heading', { name: /CDOP case management API/ })
      .first()
      .waitFor({ timeout: 10_000 });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await t?.close();
  });

  it('when the page loads, then Swagger UI renders the API title and its operations', async () => {
    await expect(page.title()).resolves.toBe('CDOP case management API');
    await expect(page.locator('.info .title').first().innerText()).resolves.toContain('CDOP case management API');

    const paths = await page.locator('.opblock .opblock-summary-path').allInnerTexts();
    const normalised = paths.map((p) => p.replace(/\u200b/g, '').trim());
    expect(normalised).toEqual(expect.arrayContaining(['/v1/panels', '/v1/panels/{panelId}', '/v1/agencies', '/health/live']));
    // Swagger UI ids each operation block from the operationId.
    await expect(page.locator('[id^="operations-"][id$="-listPanels"]').count()).resolves.toBe(1);
    await expect(page.locator('[id^="operations-"][id$="-createAgency"]').count()).resolves.toBe(1);
    expect(await page.locator('.opblock').count()).toBeGreaterThanOrEqual(10);
    // No "Failed to load API definition" error panel.
    await expect(page.locator('.errors-wrapper').count()).resolves.toBe(0);
  });

  it('when the page loads, then the browser logged no console errors, page errors or CSP violations', async () => {
    const violations = await page.evaluate<string[]>('window.__cspViolations');
    expect(violations).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(failedRequests).toEqual([]);
    expect(badResponses).toEqual([]);
  });

  it('when the page loads, then every request went to the test server on 127.0.0.1 (no CDN, no telemetry)', () => {
    expect(requested).toEqual(
      expect.arrayContaining([`${baseUrl}/docs`, `${baseUrl}/docs/swagger-ui-bundle.js`, `${baseUrl}/openapi.json`]),
    );
    const elsewhere = requested.filter((u) => {
      const url = new URL(u);
      if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
      return url.hostname !== '127.0.0.1';
    });
    expect(elsewhere).toEqual([]);
  });

  it('when the page is captured, then the screenshot is a non-trivial PNG', () => {
    const png = fs.readFileSync(SCREENSHOT);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);
  });
});
