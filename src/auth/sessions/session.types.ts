import 'express-session';

/**
 * What a signed-in person's session holds (table user_sessions, column sess).
 * `userId` sits at the top level: user_sessions.user_id is generated from
 * sess->>'userId', which is how a disabled user's sessions are found and ended.
 * No personal data here: ids, times and the CSRF token only.
 */
declare module 'express-session' {
  interface SessionData {
    userId: string;
    idpId: string;
    /** When the person signed in (ms since epoch): the absolute timeout counts from here. */
    createdAt: number;
    csrfToken: string;
    /** The IdP's SessionIndex, for single logout. */
    samlSessionIndex: string | null;
    /** The NameID format the IdP used (for its LogoutRequest); the NameID itself stays in users. */
    samlNameIdFormat: string | null;
  }
}

export {};
