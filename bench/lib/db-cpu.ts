import fs from 'node:fs';
import os from 'node:os';

const TICK_US = 1_000_000 / 100; // USER_HZ is 100 on Linux

/** CPU time (user + system) so far of each process, in µs; a process that has gone is left out. */
type CpuSnapshot = Map<number, number>;

function stat(pid: number): { ppid: number; micros: number; comm: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited meanwhile
  }
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  // After "pid (comm) ": state is field 0, ppid 1, utime 11, stime 12.
  return {
    comm: text.slice(text.indexOf('(') + 1, close),
    ppid: Number(fields[1]),
    micros: (Number(fields[11]) + Number(fields[12])) * TICK_US,
  };
}

/**
 * The processes of one PostgreSQL server: the postmaster `postmasterPid` and
 * its children (backends, WAL writer, checkpointer, autovacuum…). Linux only
 * (empty elsewhere).
 */
export function serverProcesses(postmasterPid: number): number[] {
  if (os.platform() !== 'linux') return [];
  const pids = [postmasterPid];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (stat(Number(entry))?.ppid === postmasterPid) pids.push(Number(entry));
  }
  return pids;
}

export function cpuSnapshot(pids: readonly number[]): CpuSnapshot {
  const snap: CpuSnapshot = new Map();
  for (const pid of pids) {
    const s = stat(pid);
    if (s) snap.set(pid, s.micros);
  }
  return snap;
}

/**
 * CPU spent between two snapshots, in µs: each process's growth, and all the
 * time of a process that started in between. A process that exited in
 * between takes its time with it, so the pools of both sides keep their
 * connections open for the whole run.
 */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): number {
  let micros = 0;
  for (const [pid, t] of after) micros += t - (before.get(pid) ?? 0);
  return micros;
}
