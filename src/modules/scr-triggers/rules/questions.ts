import type { CaseSnapshot } from '../snapshot';
import { analysisSaysCriteriaMet, anyFormAnswers, categoryEvidence, type FormQuestion } from './evidence';
import type { EvidenceItem } from './rule';

/**
 * The questions of the national forms (src/modules/agency-forms/catalogue/national) that the rules read, grouped by
 * what they are evidence of. A new template version that moves a question must be added here.
 */

const REPORTING = ['reporting'];
const SUICIDE = ['suicide-self-harm'];

/** Abuse or neglect known or suspected, as an agency recorded it. */
const ABUSE_OR_NEGLECT_QUESTIONS: readonly FormQuestion[] = [
  { templates: REPORTING, section: 'safeguarding', question: 'abuseOrNeglectSuspected', answers: ['yes'] },
  { templates: REPORTING, section: 'parenting', question: 'neglectConcerns', answers: ['yes'] },
  { templates: SUICIDE, section: 'factors', question: 'abuseOrNeglect', answers: ['yes'] },
];

/** Category 1 of the national categories: deliberately inflicted injury, abuse or neglect. */
const ABUSE_CATEGORY = [1];
/** Category 2: suicide or deliberate self-inflicted harm. */
export const SUICIDE_CATEGORY = [2];

/** Abuse or neglect known or suspected: an agency's answer, the category of death, or the panel's own judgement. */
export function abuseOrNeglectEvidence(s: CaseSnapshot): EvidenceItem[] {
  return [...anyFormAnswers(s, ABUSE_OR_NEGLECT_QUESTIONS), ...categoryEvidence(s, ABUSE_CATEGORY), ...analysisSaysCriteriaMet(s)];
}

/** Concern about how agencies worked together or shared information. */
export const INTER_AGENCY_QUESTIONS: readonly FormQuestion[] = [
  { templates: REPORTING, section: 'serviceProvision', question: 'informationSharingProblems', answers: ['yes'] },
];

/**
 * Any safeguarding concern an agency recorded (wider than abuse or neglect suspected): a child protection plan, being
 * looked after or a child in need (now or before), referrals to children's social care, exploitation, domestic abuse.
 */
export const SAFEGUARDING_CONCERN_QUESTIONS: readonly FormQuestion[] = [
  ...ABUSE_OR_NEGLECT_QUESTIONS,
  { templates: REPORTING, section: 'safeguarding', question: 'childProtectionPlan', answers: ['current', 'previous'] },
  { templates: REPORTING, section: 'safeguarding', question: 'lookedAfter', answers: ['current', 'previous'] },
  { templates: REPORTING, section: 'safeguarding', question: 'childInNeed', answers: ['current', 'previous'] },
  { templates: REPORTING, section: 'safeguarding', question: 'referralsToSocialCare', answers: ['yes'] },
  {
    templates: REPORTING,
    section: 'safeguarding',
    question: 'exploitation',
    answers: ['sexual_exploitation', 'criminal_exploitation', 'trafficking_or_modern_slavery', 'radicalisation'],
  },
  { templates: REPORTING, section: 'familyAndEnvironment', question: 'domesticAbuse', answers: ['yes'] },
  { templates: SUICIDE, section: 'factors', question: 'domesticAbuse', answers: ['yes'] },
  { templates: SUICIDE, section: 'factors', question: 'exploitation', answers: ['yes'] },
];
