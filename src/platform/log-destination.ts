import type { DestinationStream } from 'pino';

/**
 * Where the service's log goes. JSON lines on stdout everywhere (containers,
 * CI, files, pipes), except a developer's terminal: with NODE_ENV=development
 * and stdout a TTY, the same lines are printed human-readable by pino-pretty.
 * pino-pretty is a devDependency: where it is not installed, the log stays JSON.
 */
export function logDestination(o: { env: string; stdoutIsTty: boolean }): DestinationStream | undefined {
  if (o.env !== 'development' || !o.stdoutIsTty) return undefined;
  let pretty: (opts: Record<string, unknown>) => DestinationStream;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a devDependency, loaded only for a development terminal
    pretty = require('pino-pretty') as typeof pretty;
  } catch {
    return undefined;
  }
  return pretty({ colorize: true, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
}
