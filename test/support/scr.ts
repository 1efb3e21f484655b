import { exampleAnswers, findTemplate } from '../../src/modules/agency-forms/catalogue';

type Answers = Record<string, Record<string, unknown>>;

/**
 * The national reporting form, complete and valid, with every answer the SCR-trigger rules read set to "no concern"
 * (src/modules/scr-triggers/rules/questions.ts), then `concerns` applied: e.g.
 * `{ safeguarding: { abuseOrNeglectSuspected: 'yes' } }`. Follow-up questions follow their gates.
 */
export function reportingAnswers(concerns: Answers = {}): Answers {
  const a = exampleAnswers(findTemplate('reporting')!);
  Object.assign(a.safeguarding!, {
    childProtectionPlan: 'never',
    childInNeed: 'never',
    lookedAfter: 'never',
    referralsToSocialCare: 'no',
    exploitation: ['none'],
    abuseOrNeglectSuspected: 'no',
  });
  Object.assign(a.parenting!, { neglectConcerns: 'no' });
  Object.assign(a.familyAndEnvironment!, { domesticAbuse: 'no' });
  Object.assign(a.serviceProvision!, { informationSharingProblems: 'no' });
  for (const [section, answers] of Object.entries(concerns)) Object.assign(a[section]!, answers);
  const s = a.safeguarding!;
  const gate = (on: boolean, field: string, value: unknown) => (s[field] = on ? value : 'not_applicable');
  gate(['current', 'previous'].includes(String(s.childProtectionPlan)), 'childProtectionCategory', ['neglect']);
  gate(s.referralsToSocialCare === 'yes', 'referralCount', 2);
  gate(s.abuseOrNeglectSuspected === 'yes', 'abuseOrNeglectDetail', 'An example answer written by the agency.');
  return a;
}
