// `npm run migrate`: applies pending migrations (under the advisory lock) and exits.
// Uses DATABASE_URL, or the embedded PostgreSQL when it is not set.
import { ENTITIES } from '../entities';
import { loadConfig } from '../config';
import { openDatabase } from '../platform/db/database';
import { createLogger } from '../platform/logger';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const db = await openDatabase(config, log, ENTITIES);
  await db.close();
  log.info('migrations up to date');
}

main().catch((err: unknown) => {
  process.stderr.write(`migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
