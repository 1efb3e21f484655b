import { ConfigError, loadConfig } from './config';
import { logDestination } from './platform/log-destination';
import { createLogger } from './platform/logger';
import { startService } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel, logDestination({ env: config.env, stdoutIsTty: process.stdout.isTTY === true }));
  const service = await startService(config, log);
  // SIGHUP too: a closed terminal, or scripts/start.js when npm went away.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(signal, () => {
      service.shutdown(signal).then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'error during shutdown');
          process.exit(1);
        },
      );
    });
  }
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled promise rejection'));
}

main().catch((err: unknown) => {
  // Before the logger exists, or a start-up failure: print a plain message, no data.
  process.stderr.write(`CDOP API failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
