import type { ReviewFamilyPort, ReviewMeetingsPort } from './panel-reviews.ports';

/**
 * TEMPORARY, until panel-meetings and family are on main: app.ts wires the real ports then and this file goes.
 * Nobody is recused, no meeting exists (a sign-off is refused 400 REVIEW.UNKNOWN_MEETING), no family question is open.
 */
export const interimMeetings: ReviewMeetingsPort = {
  isRecused: () => Promise.resolve(false),
  signOffContext: () => Promise.resolve(undefined),
  markAgendaItemReviewed: () => Promise.reject(new Error('panel-meetings is not wired yet')),
};

export const interimFamily: ReviewFamilyPort = { openFamilyQuestions: () => Promise.resolve([]) };
