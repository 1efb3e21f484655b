// The sessions module's public surface.
export { sessionAuthenticator, sessionCsrfToken } from './session.authenticator';
export { createSessionLayer, regenerateSession, saveSession, endSession, SESSION_COOKIE } from './session.middleware';
export { endSessionsOfUser } from './sessions.repository';
export { UserSessionEntity } from './entities/user-session.entity';
