/**
 * Summarises a V8 .cpuprofile (from BENCH_PROFILE_SIDE, see bench/README.md):
 * self time by package (node_modules package, src/<area>, node internals,
 * GC, idle) and the top functions by self time.
 *
 *   npx tsx bench/profile-summary.ts bench/results/profiles/<file>.cpuprofile [--top 40] [--skip-s 5]
 *
 * --skip-s leaves out the first seconds (module loading, key generation at start-up).
 * Idle time (the side waiting while the other side is loaded) is left out of the percentages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const ROOT = path.resolve(__dirname, '..');

export function packageOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return '(gc)';
  if (fn === '(idle)') return '(idle)';
  if (fn === '(program)') return '(program)';
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (u.startsWith('node:')) return `node:${u.slice(5).split('/')[0]}`;
  const rel = path.relative(ROOT, u);
  if (!rel.startsWith('..')) {
    const parts = rel.split(path.sep);
    return parts[0] === 'src' ? `src/${parts.length > 2 ? parts[1] : parts[1]!.replace(/\.ts$/, '')}` : parts.slice(0, 2).join('/');
  }
  return u;
}

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      top: { type: 'string', default: '40' },
      'skip-s': { type: 'string', default: '0' },
      /** also list functions by inclusive (self + callees) time, and µs per request when --requests is given */
      inclusive: { type: 'boolean', default: false },
      requests: { type: 'string' },
    },
  });
  const file = positionals[0];
  if (!file) throw new Error('usage: profile-summary <file.cpuprofile> [--top N]');
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const skipUs = Number(values['skip-s']) * 1e6;
  let t = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (t < skipUs) continue;
    const dt = p.timeDeltas[i + 1] ?? 0; // the delta after a sample is the time spent in it
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + dt);
  }
  let total = 0;
  let idle = 0;
  const pkgs = new Map<string, number>();
  const fns = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const pkg = packageOf(url, functionName);
    total += us;
    if (pkg === '(idle)') idle += us;
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
    const name = `${functionName || '(anonymous)'}  ${pkg}${url ? ` ${path.basename(url)}:${lineNumber + 1}` : ''}`;
    fns.set(name, (fns.get(name) ?? 0) + us);
  }
  const busy = total - idle;
  const perReq = values.requests ? Number(values.requests) : undefined;
  const pct = (us: number) =>
    `${((us / busy) * 100).toFixed(1).padStart(5)}%${perReq ? ` ${(us / perReq).toFixed(0).padStart(5)} µs/req` : ''}`;
  const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  console.log(`${path.basename(file)}: ${ms(total)} sampled, ${ms(busy)} busy (idle excluded; % of busy)`);
  console.log('\nself time by package');
  for (const [k, us] of [...pkgs]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, 30))
    console.log(`${pct(us)} ${ms(us)}  ${k}`);
  console.log('\ntop functions by self time');
  for (const [k, us] of [...fns]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(values.top))) {
    console.log(`${pct(us)} ${ms(us)}  ${k}`);
  }
  if (!values.inclusive) return;
  // Inclusive time: each sample credits every distinct function on its (synchronous) stack once.
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n: ProfileNode) => {
    const { functionName, url, lineNumber } = n.callFrame;
    return `${functionName || '(anonymous)'}  ${packageOf(url, functionName)}${url ? ` ${path.basename(url)}:${lineNumber + 1}` : ''}`;
  };
  const incl = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (n.callFrame.functionName === '(root)' || n.callFrame.functionName === '(idle)') continue;
      const k = label(n);
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
  console.log('\ntop functions by inclusive time');
  for (const [k, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top) * 2)) console.log(`${pct(us)} ${ms(us)}  ${k}`);
}

main();
