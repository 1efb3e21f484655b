import { anyFormAnswers } from './evidence';
import { abuseOrNeglectEvidence, INTER_AGENCY_QUESTIONS } from './questions';
import type { ScrRule } from './rule';

/**
 * Abuse or neglect known or suspected, the child seriously harmed (a death is the gravest harm), and cause for concern
 * about how the organisations worked together: the 2015 regime's second ground. Both halves must be on record.
 */
export const abuseWithAgencyConcern: ScrRule = {
  id: 'abuse_with_agency_concern',
  version: 1,
  title: 'Abuse or neglect suspected, serious harm, and concern about how agencies worked together',
  basis:
    'LSCB Regulations 2006 reg. 5(2)(b) (Working Together 2015): abuse or neglect known or suspected, the child seriously harmed, and cause for concern as to the way the authority, the board partners or others worked together.',
  outcomes: {
    '2015': {
      kind: 'safeguarding_review',
      opens: 'Referral to the safeguarding board for a Serious Case Review on how the agencies worked together.',
      clocks: [],
    },
    '2018': {
      kind: 'review_consideration',
      opens: 'The safeguarding partners weigh how agencies worked together when deciding on a local child safeguarding practice review.',
      clocks: [],
    },
  },
  evaluate(s) {
    const abuse = abuseOrNeglectEvidence(s);
    const agencies = anyFormAnswers(s, INTER_AGENCY_QUESTIONS);
    return abuse.length && agencies.length ? { evidence: [...abuse, ...agencies] } : null;
  },
};
