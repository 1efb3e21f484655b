import type { ErrorRequestHandler, RequestHandler, Router } from 'express';
import type { Authenticator } from '../access/authorize';

/**
 * What an authentication mechanism (SAML sessions, client tokens) plugs into
 * the app: middleware that must run before authentication (e.g. the session
 * loader, or an endpoint's own refusals, error handlers included, that must
 * answer before the OpenAPI validator does), authenticators that turn
 * credentials into a principal, and routers for its own public endpoints
 * (mounted after OpenAPI validation).
 */
export interface AuthMechanism {
  before?: (RequestHandler | ErrorRequestHandler)[];
  authenticators?: Authenticator[];
  routers?: Router[];
  /** How people sign in with this mechanism: links for the start page (`GET /`). */
  signIn?: { label: string; href: string }[];
  /** Periodic housekeeping and shutdown. */
  close?(): Promise<void>;
}
