import fs from 'node:fs';
import os from 'node:os';

const TICK_US = 1_000_000 / 100; // USER_HZ is 100 on Linux

/**
 * CPU time (user + system) of every PostgreSQL process on this machine so far,
 * in µs, from /proc: the database's share of a request's cost, which the
 * server's own CPU time does not show. Linux only (null elsewhere). Includes
 * any other PostgreSQL on the machine (idle during a run, so it adds nothing
 * measurable); a backend that exits during a run takes its time with it, so
 * the pools of both sides keep their connections open for the whole run.
 */
export function postgresCpuMicros(): number | null {
  if (os.platform() !== 'linux') return null;
  let ticks = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const close = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
    const fields = stat.slice(close + 2).split(' ');
    // After "pid (comm) ": state is field 0, utime 11, stime 12.
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * TICK_US;
}
