import type http from 'node:http';
import type { Client } from 'pg';

/**
 * A benchmark scenario: the same requests sent to two servers, a baseline (the
 * least code that does the same database work) and a candidate (the real
 * application), so the result is a ratio measured in one run on one machine.
 * A scenario may add a third, `informative` side: another baseline (e.g. less
 * work than the candidate does) shown beside them with its own ratio, never
 * judged.
 *
 * To add a scenario: write a module under bench/scenarios/ exporting a
 * `Scenario`, and list it in bench/scenarios/index.ts.
 */
export type Side = 'baseline' | 'candidate' | 'informative';
/** The order a round loads the sides in. */
const SIDES: readonly Side[] = ['baseline', 'candidate', 'informative'];

export function isSide(v: unknown): v is Side {
  return v === 'baseline' || v === 'candidate' || v === 'informative';
}

/** The sides a scenario has, in load order. */
export function sidesOf(scenario: Scenario): Side[] {
  return SIDES.filter((side) => scenario.sides[side] !== undefined);
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

/** Speed targets stated for one connection count; a run at another count does not judge them. */
export interface Targets {
  /** The connection count these targets are stated for. */
  connections: number;
  /** Candidate req/s ÷ baseline req/s (medians of rounds) must be at least this. */
  minThroughputRatio?: number;
  /** Candidate p99 latency (median of rounds), in ms, must be at most this. */
  maxCandidateP99Ms?: number;
  /**
   * Candidate p50 − baseline p50 (each the median of its rounds' exact p50s), in ms, must be at most this: the cost
   * of what the candidate adds to one request, for scenarios whose two sides are the same service with and without
   * a feature (e.g. `scr-rules-*`). State it for a low connection count, where latency is not queueing.
   */
  maxP50DeltaMs?: number;
}

/** What a scenario's optional setup() gets, in the parent, once both servers listen. */
export interface SetupContext {
  /** A connection to the run's database (as reset/verify get). */
  db: Client;
  /** The run's database URL (contains the password: never print or store it). */
  databaseUrl: string;
  /** Base URLs of the running servers (http://127.0.0.1:port). */
  urls: Partial<Record<Side, string>> & Record<'baseline' | 'candidate', string>;
}

export interface Scenario {
  /** Used on the command line (--scenario) and in result file names. */
  name: string;
  description: string;
  sides: { baseline: ServerSide; candidate: ServerSide; informative?: ServerSide };
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
  /**
   * Targets, each for one connection count. Unless --connections is given, the scenario runs at
   * every count its targets name (at 50 if it has none), one report per count.
   */
  targets?: readonly Targets[];
  /**
   * Warm-up per side, in seconds, at least (unless --warmup is given): a candidate that serves a few
   * hundred requests a second needs longer than the default for its hot code to be optimised.
   */
  minWarmupSeconds?: number;
}
