import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Released migrations are history: databases have applied them by name, so
 * their content must never change. Each file's SHA-256 is recorded in
 * manifest.json when it is released (`npm run migrations:manifest`), and a
 * test fails when a recorded file differs from its checksum.
 */
export const MIGRATION_MANIFEST_FILE = 'migrations/manifest.json';
const DIR = __dirname;
const MANIFEST = path.join(DIR, 'manifest.json');

/** `<timestamp>-<name>.ts`, in timestamp order. */
export function migrationFiles(): string[] {
  return fs
    .readdirSync(DIR)
    .filter((f) => /^\d{13}-[a-z0-9-]+\.ts$/.test(f))
    .sort();
}

export function sha256OfFile(file: string): string {
  return createHash('sha256')
    .update(fs.readFileSync(path.join(DIR, file)))
    .digest('hex');
}

export function readManifest(): Record<string, string> {
  return fs.existsSync(MANIFEST) ? (JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as Record<string, string>) : {};
}

export function writeManifest(manifest: Record<string, string>): void {
  const sorted = Object.fromEntries(Object.entries(manifest).sort(([a], [b]) => a.localeCompare(b)));
  fs.writeFileSync(MANIFEST, `${JSON.stringify(sorted, null, 2)}\n`);
}
