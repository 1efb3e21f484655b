import connectPgSimple from 'connect-pg-simple';
import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import type { DataSource } from 'typeorm';
import type { Config } from '../../config';
import { poolOf } from '../../platform/db/data-source';
import type { Logger } from '../../platform/logger';
import { developmentSecret } from '../key-material';
import './session.types';

export const SESSION_COOKIE = 'cdop.sid';

interface SessionLayer {
  middleware: RequestHandler;
  close(): Promise<void>;
}

/**
 * Server-side sessions in PostgreSQL (user_sessions, shared by every
 * instance). The cookie holds only the signed session id: HttpOnly,
 * SameSite=Lax, Secure outside development and test. Idle timeout: the
 * cookie and the row's `expire` roll forward on each request and the store
 * refuses a row past it. Absolute timeout: checked by the session authenticator.
 */
export function createSessionLayer(deps: { config: Config; log: Logger; dataSource: DataSource }): SessionLayer {
  const { config, log } = deps;
  const PgStore = connectPgSimple(session);
  const store = new PgStore({
    pool: poolOf(deps.dataSource),
    tableName: 'user_sessions',
    createTableIfMissing: false,
    // Expired rows are deleted every 15 minutes (refused on read as soon as they expire).
    pruneSessionInterval: config.env === 'test' ? false : 15 * 60,
    errorLog: (...args: unknown[]) => log.warn({ err: args.find((a) => a instanceof Error) }, 'session store error'),
  });
  const middleware = session({
    name: SESSION_COOKIE,
    secret: config.session.secret ?? developmentSecret(config, 'session'),
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    // Not 'destroy': when the store fails to read a session (the pool is full, a statement times out),
    // express-session leaves req.session unset, and 'destroy' would then delete the session at the end of
    // the request, signing the person out because of a moment's trouble. Sessions end only by endSession.
    unset: 'keep',
    cookie: cookieOptions(config),
  });
  return {
    // A request with an Authorization header (an agency system's bearer token) is never
    // authenticated by a session and never starts one (sessionAuthenticator), so it skips the
    // cookie parsing, signing and store lookup altogether.
    middleware: (req, res, next) => {
      if (req.headers.authorization !== undefined) return next();
      void middleware(req, res, (err?: unknown) => {
        // The session could not be read (database busy or unavailable: 503). Forget its id for this request,
        // so nothing at the end of it (saving, touching, unsetting) writes to or deletes the stored session.
        if (err !== undefined) req.sessionID = undefined as unknown as string;
        next(err);
      });
    },
    close: () => {
      store.close();
      return Promise.resolve();
    },
  };
}

function cookieOptions(config: Config): session.CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.env === 'production',
    path: '/',
    maxAge: config.session.idleTimeoutMin * 60_000,
  };
}

/** A new session id for the same request (rotation at sign-in: a planted or earlier id is never promoted). */
export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err?: Error) => (err ? reject(err) : resolve())));
}

export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err?: Error) => (err ? reject(err) : resolve())));
}

/** Deletes the session row and tells the browser to drop the cookie. */
export async function endSession(req: Request): Promise<void> {
  if (req.session) await new Promise<void>((resolve, reject) => req.session.destroy((err?: Error) => (err ? reject(err) : resolve())));
  req.res?.clearCookie(SESSION_COOKIE, { path: '/' });
}
