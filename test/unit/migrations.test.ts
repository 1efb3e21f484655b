import { MIGRATIONS } from '../../migrations';
import { migrationFiles, readManifest, sha256OfFile } from '../../migrations/manifest';

// Migrations are history: once released, a file never changes (databases recorded it by name).
describe('released migrations', () => {
  const manifest = readManifest();
  const files = migrationFiles();

  it('when a migration is recorded in the manifest, then its file is unchanged (same SHA-256)', () => {
    const edited = Object.keys(manifest).filter((file) => files.includes(file) && sha256OfFile(file) !== manifest[file]);
    expect(edited).toEqual([]);
  });

  it('when a migration is recorded in the manifest, then its file still exists', () => {
    expect(Object.keys(manifest).filter((file) => !files.includes(file))).toEqual([]);
  });

  it('when a migration file exists, then it is recorded (npm run migrations:manifest) and listed in migrations/index.ts', () => {
    expect(files.filter((file) => manifest[file] === undefined)).toEqual([]);
    const classTimestamps = MIGRATIONS.map((m) => /(\d{13})$/.exec(m.name)?.[1]);
    expect(classTimestamps).toEqual(files.map((f) => f.slice(0, 13)));
  });

  it('when migrations are listed, then their timestamps increase and none is in the future', () => {
    const stamps = files.map((f) => Number(f.slice(0, 13)));
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    expect(new Set(stamps).size).toBe(stamps.length);
    expect(stamps.every((t) => t <= Date.now())).toBe(true);
  });
});
