// `npm run client:create`: registers an agency system (e.g. a hospital's
// integration engine) as an OAuth client, or disables one.
//
//   npm run client:create -- --agency <agency id or ODS code> --scopes "directory:read" --name "RWP integration engine" [--jwks-file hospital-jwks.json]
//   npm run client:create -- --disable <client_id>
//
// Uses DATABASE_URL, or the embedded PostgreSQL when it is not set (which only
// one process can open: stop the service first). The token endpoint it prints
// is the one the service recorded in that database when it last started.
import { ENTITIES } from '../entities';
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { CLIENT_SCOPES } from '../access/roles';
import {
  clientCredentialsExample,
  disableClient,
  recordedTokenEndpoints,
  registerClient,
  RegistrationError,
  tokenEndpointForRegistration,
  tokenEndpointUrl,
} from '../auth/api-clients';
import { ConfigError, loadConfig, type Config } from '../config';
import { openDatabase, type Database } from '../platform/db/database';
import { createLogger } from '../platform/logger';

const USAGE = `Register an agency system as an OAuth 2.0 client (private_key_jwt), or disable one.

  npm run client:create -- --agency <agency id or ODS code> --scopes "<scope> ..." --name "<name>" [--jwks-file <file>]
  npm run client:create -- --disable <client_id>

  --agency     the agency the system acts for: its id (uuid) or ODS code (e.g. RWP)
  --scopes     space-separated scopes to grant; allowed: ${CLIENT_SCOPES.join(', ')}
  --name       a name for people reading the audit trail, e.g. "RWP integration engine"
  --jwks-file  the hospital's own public JWKS (recommended: its private key never leaves it);
               without it an EC P-256 key pair is generated and the private key is printed once
  --disable    disable a client: its token requests and the tokens it holds are refused at once
`;

class UsageError extends Error {}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      agency: { type: 'string' },
      scopes: { type: 'string' },
      name: { type: 'string' },
      'jwks-file': { type: 'string' },
      disable: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (!values.disable && (!values.agency || !values.scopes || !values.name))
    throw new UsageError('--agency, --scopes and --name are required');

  // Read the JWKS before touching the database, so a bad file fails fast.
  let jwks: unknown;
  if (values['jwks-file']) {
    try {
      jwks = JSON.parse(fs.readFileSync(values['jwks-file'], 'utf8'));
    } catch (err) {
      throw new UsageError(`cannot read --jwks-file as JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const config = loadConfig();
  const db = await open(config);
  try {
    if (values.disable) {
      const done = await disableClient(db.dataSource, values.disable);
      if (!done) throw new RegistrationError(`no enabled client ${values.disable}`);
      process.stdout.write(
        `Client ${values.disable} is disabled. Its token requests, and the access tokens it already holds, are now refused.\n`,
      );
      return;
    }
    const c = await registerClient(db.dataSource, {
      agency: values.agency!,
      scopes: values.scopes!.split(/[\s,]+/).filter(Boolean),
      name: values.name!,
      jwks,
    });
    // The endpoint the running service checks (recorded in the database at its start), not this shell's guess.
    const { tokenUrl, notes } = tokenEndpointForRegistration(await recordedTokenEndpoints(db.dataSource), tokenEndpointUrl(config));
    for (const note of notes) process.stderr.write(`${note}\n`);
    const example = clientCredentialsExample({ clientId: c.clientId, tokenUrl, kid: c.kid, alg: c.alg, scopes: c.scopes });
    const out: string[] = [
      `Registered "${c.name}" for ${c.agency.name}${c.agency.odsCode ? ` (${c.agency.odsCode})` : ''}.`,
      '',
      `client_id:       ${c.clientId}`,
      `token endpoint:  ${tokenUrl}`,
      `scopes:          ${c.scopes.join(' ')}`,
      `signing:         ${c.alg}, kid ${c.kid}${c.jwks.keys.length > 1 ? ` (${c.jwks.keys.length} keys registered)` : ''}`,
      '',
    ];
    if (c.privateKey) {
      out.push(
        '!!! PRIVATE KEY: shown once and not stored by this service. Give it to the hospital over a secure channel,',
        '!!! store it in their secret store (never in source control, tickets or e-mail), and clear this terminal.',
        '!!! Better practice: have the hospital generate its own key pair and register with --jwks-file <their public JWKS>.',
        '',
        'private-key.pem (PKCS#8):',
        c.privateKey.pkcs8Pem.trimEnd(),
        '',
        'The same private key as a JWK:',
        JSON.stringify(c.privateKey.jwk),
        '',
      );
    } else {
      out.push("Registered with the hospital's own public keys: no private key was created here.", '');
    }
    out.push(
      'Example: save this as make-assertion.mjs, next to private-key.pem:',
      '',
      example.script,
      'then get an access token and call the API:',
      '',
      example.curl,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await db.close();
  }
}

async function open(config: Config): Promise<Database> {
  // Logs to stderr, so stdout carries only what the operator asked for.
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr);
  try {
    return await openDatabase(config, log, ENTITIES);
  } catch (err) {
    const hint = config.database.url
      ? 'Check DATABASE_URL.'
      : `Without DATABASE_URL this command starts the embedded PostgreSQL in ${config.database.embeddedDir}, which only one process can use at a time.\n` +
        'Stop the service (npm start / npm run dev) and run this again, or, while it runs, use its database:\n' +
        `  DATABASE_URL=postgres://postgres:postgres@127.0.0.1:${config.database.embeddedPort}/cdop npm run client:create -- ...`;
    throw new Error(`cannot open the database: ${err instanceof Error ? err.message : String(err)}\n${hint}`, { cause: err });
  }
}

main().catch((err: unknown) => {
  if (err instanceof UsageError || (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
    process.stderr.write(`${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (err instanceof ConfigError || err instanceof RegistrationError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`client:create failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
