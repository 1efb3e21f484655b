import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Chromium for the browser tests: Debian's package (`apt-get install
 * chromium`, which .ci/run does when it is missing), driven by playwright-core,
 * which never downloads a browser of its own. Set CHROMIUM_PATH for another binary.
 */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
function browserUnavailable(): string | undefined {
  if (fs.existsSync(CHROMIUM_PATH)) return undefined;
  return `no Chromium at ${CHROMIUM_PATH} (install Debian's chromium package, or set CHROMIUM_PATH)`;
}

/**
 * A describe block that needs Chromium. Without one it is skipped with the
 * reason in every test's name (listed at the end of the run by
 * test/support/skipped-reporter.js); in CI, where .ci/run installs Chromium,
 * a missing browser fails instead, so the browser tests cannot silently stop running.
 */
export function describeWithBrowser(name: string, fn: () => void): void {
  const reason = browserUnavailable();
  if (!reason) return describe(name, fn);
  if (process.env.CI) {
    return describe(name, () => {
      it('has a browser to run in', () => {
        throw new Error(`${reason}: CI must run the browser tests (.ci/run installs chromium)`);
      });
    });
  }
  describe.skip(`${name} [skipped: ${reason}]`, fn);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Flags for a closed network: no background or component traffic, no QUIC probing.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
