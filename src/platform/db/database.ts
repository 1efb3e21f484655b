import type { DataSource } from 'typeorm';
import type { Config } from '../../config';
import type { Logger } from '../logger';
import { createDataSource, type DataSourceOptions } from './data-source';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres';
import { runMigrations } from './migrate';

export interface Database {
  dataSource: DataSource;
  /** True when this process started the embedded server and will stop it. */
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded PostgreSQL when there is
 * none, then applies migrations.
 */
export async function openDatabase(config: Config, log: Logger, entities: DataSourceOptions['entities']): Promise<Database> {
  let server: EmbeddedServer | undefined;
  let url = config.database.url;
  if (!url) {
    server = await startEmbeddedPostgres({
      dir: config.database.embeddedDir,
      port: config.database.embeddedPort,
      database: 'cdop',
      log,
    });
    url = server.url;
  }
  const dataSource = createDataSource({ ...config.database, url, log, entities });
  try {
    await dataSource.initialize();
    await runMigrations(dataSource, log);
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    throw err;
  }
  return {
    dataSource,
    embedded: Boolean(server),
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      if (server) {
        await server.stop();
        log.info('embedded PostgreSQL stopped');
      }
    },
  };
}
