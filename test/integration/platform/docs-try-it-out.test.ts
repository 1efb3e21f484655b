import http from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { seedDirectoryForDevelopment } from '../../../src/modules/directory';
import { createLogger } from '../../../src/platform/logger';
import { startTestApp, type TestApp } from '../../support/app';
import { describeWithBrowser, launchChromium } from '../../support/browser';
import { freePort } from '../../support/free-port';

// Who may call: anyone may open `/`, `/docs` and the development IdP (DEV_IDP on);
// a CDOP coordinator may create and change panels, a panel member may not.
// A person's first use, in headless Chromium: the start page leads to signing
// in, the development IdP's page says what each demo user's role is, signing in
// lands on the docs page, and there "Try it out" works for a POST and a PATCH
// with the session alone: the page sends the session's CSRF token itself.

describeWithBrowser('the docs page, signed in with a session, in headless Chromium', () => {
  let t: TestApp;
  let server: http.Server;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    // The browser must reach the app at PUBLIC_BASE_URL: the SAML URLs are derived from it.
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestApp({ DEV_IDP: 'true', PUBLIC_BASE_URL: base }, { realAuth: true });
    await t.reset();
    await seedDirectoryForDevelopment(t.ds, createLogger('silent'));
    server = http.createServer(t.app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    await t?.close();
  });

  /** From the start page, through the development IdP, as this demo user: lands on /docs. */
  async function signInFromStartPage(context: BrowserContext, demoUser: RegExp): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await expect(page.getByRole('link', { name: 'API documentation' }).getAttribute('href')).resolves.toBe('/docs');
    await page.getByRole('link', { name: /Sign in with Development IdP/ }).click();
    await page.waitForURL(new RegExp(`^${base}/dev-idp/sso\\?`));
    await page.getByRole('button', { name: demoUser }).click();
    await page.waitForURL(`${base}/docs`, { timeout: 15_000 });
    await page.locator('.opblock').first().waitFor({ state: 'visible', timeout: 20_000 });
    return page;
  }

  /** Opens an operation, presses "Try it out", fills parameters, presses Execute, and returns the API's answer. */
  async function tryItOut(page: Page, operationId: string, params: Record<string, string> = {}) {
    const op = page.locator(`[id$="-${operationId}"]`);
    await op.locator('.opblock-summary').first().click();
    await op.getByRole('button', { name: 'Try it out' }).click();
    for (const [name, value] of Object.entries(params)) {
      await op.locator(`tr[data-param-name="${name}"] input`).fill(value);
    }
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() !== 'GET' || r.url().includes('/v1/panels/')),
      op.getByRole('button', { name: 'Execute' }).click(),
    ]);
    // Swagger UI shows the answer too.
    await op.locator('.live-responses-table .response-col_status').first().waitFor();
    return {
      status: response.status(),
      headers: await response.allHeaders(),
      body: (await response.json()) as Record<string, unknown>,
      request: response.request(),
    };
  }

  it('when a coordinator signs in from the start page, then the IdP page names each role, and Try it out creates and changes a panel', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const idpPage = await context.newPage();
    // The development IdP's page says which demo user has which role.
    await idpPage.goto(`${base}/auth/saml/dev/login?RelayState=/docs`);
    const idpText = await idpPage.locator('main').innerText();
    expect(idpText).toMatch(/Demo CDOP Coordinator role cdop_coordinator, panel WOR\s+CDOP coordinator: logs notifications/);
    expect(idpText).toMatch(/Demo Panel Member role panel_member, panel WOR\s+Panel member: reviews their panels' cases, anonymised/);
    expect(idpText).toMatch(/Demo Agency Contributor role agency_contributor, agency RWP/);
    await idpPage.close();

    const page = await signInFromStartPage(context, /Demo CDOP Coordinator/);

    // POST /v1/panels with the example body Swagger UI pre-fills.
    const created = await tryItOut(page, 'createPanel');
    expect(created.request.method()).toBe('POST');
    expect(await created.request.headerValue('x-csrf-token')).toEqual(expect.any(String));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'STW' });

    // PATCH /v1/panels/{panelId} with If-Match, again with the example body.
    const changed = await tryItOut(page, 'updatePanel', { panelId: String(created.body.id), 'If-Match': created.headers.etag! });
    expect(changed.request.method()).toBe('PATCH');
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: created.body.id, contactEmail: 'cdop.office@worcestershire.example.org' });
    await context.close();
  }, 90_000);

  it('when a panel member tries to create a panel, then the answer is the permission refusal, not a CSRF failure', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await signInFromStartPage(context, /Demo Panel Member/);
    const refused = await tryItOut(page, 'createPanel');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'AUTH.FORBIDDEN' });
    await context.close();
  }, 90_000);
});
