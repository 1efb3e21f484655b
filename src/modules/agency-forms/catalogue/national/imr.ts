import { choice, date, defineTemplate, integer, multi, narrative, records, section, text, yesNo } from '../template-builder';
import type { TemplateDefinition } from '../types';
import { NATIONAL_EFFECTIVE_FROM } from './shared';

const SIGNED = { question: 'seniorSignOff', in: ['yes'] } as const;

/** A practice question of the IMR: a judgement and the evidence for it. */
function judged(id: string, label: string) {
  return [
    choice(
      id,
      label,
      [
        ['yes', 'Yes'],
        ['partly', 'Partly'],
        ['no', 'No'],
      ],
      { notApplicable: true },
    ),
    narrative(`${id}Analysis`, 'Analysis and evidence', { notApplicable: true }),
  ];
}

/**
 * The individual management review: an agency's own critical look at its
 * involvement, written by someone outside the case's line management, for a
 * safeguarding review (a Serious Case Review before 2018; a rapid review or local
 * Child Safeguarding Practice Review since). Scope, a chronology, an analysis of
 * practice against the questions such reviews ask, lessons and recommendations
 * with their actions, and senior sign-off.
 */
export const IMR: TemplateDefinition = defineTemplate({
  key: 'imr',
  kind: 'individual_management_review',
  title: 'Individual management review',
  description:
    'An agency’s review of its own involvement for a safeguarding review: scope and method, chronology, analysis of practice, lessons, recommendations and sign-off.',
  version: 1,
  effectiveFrom: NATIONAL_EFFECTIVE_FROM,
  sections: [
    section('scope', 'Scope and method', [
      choice(
        'reviewType',
        'This review contributes to',
        [
          ['rapid_review', 'A rapid review'],
          ['local_practice_review', 'A local Child Safeguarding Practice Review'],
          ['serious_case_review', 'A Serious Case Review (before 2018)'],
          ['partnership_review', 'A partnership or learning review'],
          ['other', 'Other'],
        ],
        { notKnown: false },
      ),
      date('periodFrom', 'Period under review: from', { notKnown: false }),
      date('periodTo', 'Period under review: to', { notKnown: false }),
      text('authorRole', 'Role of the author', { maxLength: 200, notKnown: false }),
      yesNo('authorIndependent', 'Is the author independent of the line management of the case?', { notKnown: false }),
      multi(
        'sources',
        'Sources examined',
        [
          ['case_records', 'Case records'],
          ['electronic_systems', 'Electronic systems'],
          ['policies_and_procedures', 'Policies and procedures in force at the time'],
          ['staff_interviews', 'Interviews with staff'],
          ['supervision_records', 'Supervision records'],
          ['other', 'Other'],
        ],
        { notKnown: false },
      ),
      integer('staffInterviewed', 'Number of staff interviewed', { minimum: 0, maximum: 500 }, { notKnown: false }),
      yesNo('familyContributed', 'Did the family contribute to this review?', { notApplicable: true }),
    ]),
    section('involvement', 'The agency’s involvement', [
      narrative('summary', 'Summary of the agency’s involvement with the child and family', { notKnown: false }),
      records(
        'chronology',
        'Chronology of significant events',
        [
          date('date', 'Date', { notKnown: false }),
          text('source', 'Record or source', { maxLength: 200, notKnown: false }),
          text('event', 'What happened', { notKnown: false }),
          text('actionTaken', 'Action taken by the agency', { notApplicable: true }),
        ],
        { maxItems: 500 },
        { notKnown: false },
      ),
    ]),
    section('practice', 'Analysis of practice', [
      ...judged('policiesFollowed', 'Was practice consistent with the agency’s policies and procedures?'),
      ...judged('risksAssessed', 'Were risks to the child identified, assessed and acted on?'),
      ...judged('childSeenAndHeard', 'Was the child seen, and were the child’s wishes and feelings heard?'),
      ...judged('diversityConsidered', 'Were ethnicity, culture, language, religion and disability considered?'),
      ...judged('informationShared', 'Was information shared with other agencies when it should have been?'),
      ...judged('oversight', 'Was there effective supervision and management oversight?'),
      ...judged('escalation', 'Were professional disagreements and concerns escalated when needed?'),
      yesNo('resourcePressures', 'Did workload, staffing or resources affect practice?'),
      narrative('resourcePressuresDetail', 'How', { when: { question: 'resourcePressures', in: ['yes'] } }),
      narrative('goodPractice', 'Good practice identified', { notApplicable: true }),
      narrative('changesSince', 'Changes the agency has made since the events under review', { notApplicable: true }),
    ]),
    section('findings', 'Lessons and recommendations', [
      narrative('lessons', 'Lessons learned', { notKnown: false }),
      records(
        'recommendations',
        'Recommendations',
        [
          text('recommendation', 'Recommendation', { notKnown: false }),
          text('action', 'Action to deliver it', { notKnown: false }),
          text('ownerRole', 'Responsible role', { maxLength: 200, notKnown: false }),
          date('targetDate', 'Target date', { notKnown: false }),
          text('outcomeMeasure', 'How the agency will know it worked', { maxLength: 1000, notKnown: false }),
        ],
        { maxItems: 50 },
        { notKnown: false, notApplicable: true, help: "'not_applicable' when the review makes no recommendation." },
      ),
    ]),
    section('signOff', 'Sign-off', [
      yesNo('seniorSignOff', 'Has a senior manager of the agency signed off this review?', { notKnown: false }),
      text('signOffRole', 'Role of the senior manager', { maxLength: 200, notKnown: false, when: SIGNED }),
      date('signOffDate', 'Date of sign-off', { notKnown: false, when: SIGNED }),
    ]),
  ],
});
