import type http from 'node:http';
import type { Client } from 'pg';

/**
 * A benchmark scenario: the same requests sent to two servers, a baseline (the
 * least code that does the same database work) and a candidate (the real
 * application), so the result is a ratio measured in one run on one machine.
 *
 * To add a scenario: write a module under bench/scenarios/ exporting a
 * `Scenario`, and list it in bench/scenarios/index.ts.
 */
export type Side = 'baseline' | 'candidate';
export const SIDES: readonly Side[] = ['baseline', 'candidate'];

export function isSide(v: unknown): v is Side {
  return v === 'baseline' || v === 'candidate';
}

/** What a server child gets to build its request handler. */
export interface ServerContext {
  /** A migrated database created for this run. */
  databaseUrl: string;
  /** Pool size for both sides, so neither wins by holding more connections. */
  poolMax: number;
}

/** Built in the server child process; bench/server.ts wraps `handler` in the same http.Server for both sides. */
export interface ServerHandle {
  handler: http.RequestListener;
  close(): Promise<void>;
}

export interface ServerSide {
  /** One line for the report: what this side runs. */
  label: string;
  start(ctx: ServerContext): Promise<ServerHandle>;
}

export interface BenchRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Targets {
  /** Candidate req/s ÷ baseline req/s (medians of rounds) must be at least this. */
  minThroughputRatio?: number;
  /** Candidate p99 latency (median of rounds), in ms, must be at most this. */
  maxCandidateP99Ms?: number;
  /** The connection count the targets are stated for; other counts are reported but not judged. */
  connections?: number;
}

/** What a scenario's optional setup() gets, in the parent, once both servers listen. */
export interface SetupContext {
  /** A connection to the run's database (as reset/verify get). */
  db: Client;
  /** The run's database URL (contains the password: never print or store it). */
  databaseUrl: string;
  /** Base URLs of the running servers (http://127.0.0.1:port). */
  urls: Record<Side, string>;
}

export interface Scenario {
  /** Used on the command line (--scenario) and in result file names. */
  name: string;
  description: string;
  sides: Record<Side, ServerSide>;
  /**
   * The request numbered `seq` (unique and increasing across the whole run).
   * Runs in the load generator for every request, so keep it cheap. Both sides
   * receive exactly the same requests.
   */
  request(seq: number): BenchRequest;
  /** Any other status counts as a failure (more than 1% of failures invalidates the run). */
  expectedStatus: number;
  /**
   * Optional, in the parent, after both servers started and before the smoke test: seed what
   * the requests refer to and obtain credentials the way a production caller does (e.g. an
   * access token from the candidate's own token endpoint).
   */
  setup?(ctx: SetupContext): Promise<void>;
  /** Before every load run (warm-up and each round, either side): bring the database back to the starting state. */
  reset(db: Client): Promise<void>;
  /** After a measured run of `side`: a problem description if the database does not show the work the responses claim. */
  verify?(db: Client, succeeded: number, side: Side): Promise<string | undefined>;
  targets?: Targets;
  /**
   * Warm-up per side, in seconds, at least (unless --warmup is given): a candidate that serves a few
   * hundred requests a second needs longer than the default for its hot code to be optimised.
   */
  minWarmupSeconds?: number;
}
