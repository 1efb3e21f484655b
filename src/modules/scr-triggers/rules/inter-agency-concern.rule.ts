import { anyFormAnswers } from './evidence';
import { INTER_AGENCY_QUESTIONS } from './questions';
import type { ScrRule } from './rule';

/** Any agency form recording concern about inter-agency working or information sharing, whatever else is known. */
export const interAgencyConcern: ScrRule = {
  id: 'inter_agency_concern',
  version: 1,
  title: 'Concern about inter-agency working or information sharing',
  basis:
    'Working Together 2015 (reviews below the SCR threshold where agencies did not work together) and 2018/2023 (the partners consider a local review where there is learning about how agencies worked together).',
  outcomes: {
    '2015': {
      kind: 'review_consideration',
      opens: 'The safeguarding board considers a review of how agencies worked together (a partnership review below the SCR threshold).',
      clocks: [],
    },
    '2018': {
      kind: 'review_consideration',
      opens: 'The safeguarding partners consider a local review of how agencies worked together.',
      clocks: [],
    },
  },
  evaluate(s) {
    const evidence = anyFormAnswers(s, INTER_AGENCY_QUESTIONS);
    return evidence.length ? { evidence } : null;
  },
};
