import http from 'node:http';
import type { Browser } from 'playwright-core';
import { seedDirectoryForDevelopment } from '../../../src/modules/directory';
import { createLogger } from '../../../src/platform/logger';
import { startTestApp, type TestApp } from '../../support/app';
import { describeWithBrowser, launchChromium } from '../../support/browser';
import { freePort } from '../../support/free-port';

// Who may call: with DEV_IDP on, anyone's browser. This is the sign-in a new developer does
// after `npm start`, in headless Chromium: our login redirects to the development IdP, the
// person picks the coordinator, the IdP's page posts the signed response to our ACS by itself
// (an external script, allowed by helmet's CSP) and the browser lands signed in.
// Uses the machine's Chromium (Debian package `chromium`); skipped without one, with the reason (fails in CI).

describeWithBrowser('signing in through the development IdP in headless Chromium', () => {
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
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeAllConnections();
    await t?.close();
  });

  it('when a developer picks the coordinator, then the response is posted automatically and they land on /v1/me signed in', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      // CSP violations are reported on the console.
      if (m.type() === 'error' && /Content Security Policy|Refused/i.test(m.text())) pageErrors.push(m.text());
    });

    await page.goto(`${base}/auth/saml/dev/login?RelayState=/v1/me`);
    expect(page.url()).toMatch(new RegExp(`^${base}/dev-idp/sso\\?SAMLRequest=`));
    await page.getByRole('button', { name: /Demo CDOP Coordinator/ }).click();
    await page.waitForURL(`${base}/v1/me`, { timeout: 10_000 });

    const me = JSON.parse((await page.textContent('body')) ?? '{}');
    expect(me).toMatchObject({ kind: 'user', idpId: 'dev', roles: ['cdop_coordinator'], displayName: 'Demo CDOP Coordinator' });
    const [cookie] = (await page.context().cookies()).filter((c) => c.name === 'cdop.sid');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
