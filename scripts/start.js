// `npm start`: compiles dist/ only when a source changed since the last build,
// then runs the service in this same process.
//
// package.json runs it as `exec node scripts/start.js`, so npm's shell is
// replaced by this process and the signals npm forwards (SIGINT, SIGTERM)
// reach the service itself, which stops gracefully and stops its embedded
// PostgreSQL last (src/main.ts). npm does not forward SIGHUP, and a killed npm
// forwards nothing: when npm goes away this process notices (its parent
// changes) and stops the same way, so nothing is left running.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: it runs before anything is compiled */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.build-stamp');
const entry = path.join(root, 'dist', 'src', 'main.js');
// What the build reads (tsconfig.build.json), and the dependency set.
const inputs = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** The newest modification time under `p`. Folders count too: adding, removing or renaming a file changes its folder's. */
function newestMtimeMs(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  let newest = st.mtimeMs;
  if (st.isDirectory()) {
    for (const name of fs.readdirSync(p)) newest = Math.max(newest, newestMtimeMs(path.join(p, name)));
  }
  return newest;
}

function builtAtMs() {
  try {
    return fs.existsSync(entry) ? fs.statSync(stamp).mtimeMs : 0;
  } catch {
    return 0;
  }
}

const newestInput = Math.max(...inputs.map((i) => newestMtimeMs(path.join(root, i))));
if (newestInput > builtAtMs()) {
  const startedAt = new Date();
  process.stderr.write('npm start: sources changed since the last build, compiling (tsc -b, incremental)…\n');
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (tsc.status !== 0) {
    process.stderr.write('npm start: the build failed; the service was not started.\n');
    process.exit(tsc.status ?? 1);
  }
  // Dated when the build began: a file saved while tsc ran is newer, and is compiled next time.
  fs.writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  fs.utimesSync(stamp, startedAt, startedAt);
}

const parent = process.ppid;
const orphanWatch = setInterval(() => {
  if (process.ppid !== parent) {
    clearInterval(orphanWatch);
    process.kill(process.pid, 'SIGTERM');
  }
}, 500);
orphanWatch.unref();

require(entry);
