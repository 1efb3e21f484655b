/**
 * Adds new migrations to migrations/manifest.json with their SHA-256, so that
 * a released migration can never change unnoticed (test/unit/migrations.test.ts
 * compares every file with its recorded checksum). Refuses to touch an entry
 * already recorded: a change to the schema is always a new migration.
 *
 *   npm run migrations:manifest
 */
import { MIGRATION_MANIFEST_FILE, migrationFiles, readManifest, sha256OfFile, writeManifest } from '../migrations/manifest';

function main(): void {
  const manifest = readManifest();
  const added: string[] = [];
  const changed: string[] = [];
  for (const file of migrationFiles()) {
    const sum = sha256OfFile(file);
    const recorded = manifest[file];
    if (recorded === undefined) {
      manifest[file] = sum;
      added.push(file);
    } else if (recorded !== sum) {
      changed.push(file);
    }
  }
  if (changed.length) {
    process.stderr.write(
      `Released migrations were edited: ${changed.join(', ')}.\nRestore them (git checkout -- <file>) and put the change in a new migration.\n`,
    );
    process.exit(1);
  }
  writeManifest(manifest);
  process.stdout.write(added.length ? `recorded in ${MIGRATION_MANIFEST_FILE}: ${added.join(', ')}\n` : 'nothing new to record\n');
}

main();
