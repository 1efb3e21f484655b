import { anyFormAnswers, categoryEvidence } from './evidence';
import { SAFEGUARDING_CONCERN_QUESTIONS, SUICIDE_CATEGORY } from './questions';
import type { ScrRule } from './rule';

/**
 * Suicide or suspected suicide, and any safeguarding concern recorded by any agency. Suicide is known from the
 * category of death (on the case or among those the panel considers) or from a submitted suicide and self-harm form;
 * the concern from any agency's safeguarding answers (rules/questions.ts).
 */
export const suicideWithSafeguardingConcern: ScrRule = {
  id: 'suicide_with_safeguarding_concern',
  version: 1,
  title: 'Suicide or suspected suicide with a safeguarding concern',
  basis:
    'Working Together 2015 (seed guidance: always undertake a SCR when a child dies, including by suicide, and abuse or neglect is suspected to be a factor); Working Together 2018/2023: the partners consider whether a suicide with safeguarding concerns meets the criteria for a notification.',
  outcomes: {
    '2015': {
      kind: 'safeguarding_review',
      opens: 'Referral to the safeguarding board to consider a Serious Case Review.',
      clocks: [],
    },
    '2018': {
      kind: 'review_consideration',
      opens: 'The safeguarding partners decide whether the criteria for a serious incident notification and a rapid review are met.',
      clocks: [],
    },
  },
  evaluate(s) {
    const suicide = [
      ...categoryEvidence(s, SUICIDE_CATEGORY),
      ...s.forms
        .filter((f) => f.templateId === 'suicide-self-harm')
        .map((f) => ({
          source: 'form' as const,
          recordId: f.requestId,
          templateId: f.templateId,
          revision: f.revision,
          field: '',
          answer: 'submitted',
        })),
    ];
    const concern = anyFormAnswers(s, SAFEGUARDING_CONCERN_QUESTIONS);
    return suicide.length && concern.length ? { evidence: [...suicide, ...concern] } : null;
  },
};
