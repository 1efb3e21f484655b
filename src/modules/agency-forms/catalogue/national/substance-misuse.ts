import { choice, defineTemplate, integer, multi, section, yesNo } from '../template-builder';
import type { TemplateDefinition } from '../types';
import { anythingElse, CURRENT_PREVIOUS_NEVER, NATIONAL_EFFECTIVE_FROM } from './shared';

const USED_BEFORE = { question: 'previousUse', in: ['yes'] } as const;

/** Substance misuse: what was taken, how and where, intent, earlier use and services, exploitation and family. */
export const SUBSTANCE_MISUSE: TemplateDefinition = defineTemplate({
  key: 'substance-misuse',
  kind: 'supplementary',
  title: 'Substance misuse',
  description:
    'A death in which alcohol or drugs played a part: the substances, how and where they were taken, intent, earlier use, services, and exploitation.',
  version: 1,
  effectiveFrom: NATIONAL_EFFECTIVE_FROM,
  sections: [
    section('substances', 'The substances', [
      multi('substances', 'Substances involved', [
        ['alcohol', 'Alcohol'],
        ['cannabis', 'Cannabis'],
        ['cocaine', 'Cocaine'],
        ['mdma', 'MDMA (ecstasy)'],
        ['opioids', 'Heroin or other opioids'],
        ['opioid_substitutes', 'Methadone or buprenorphine'],
        ['benzodiazepines', 'Benzodiazepines'],
        ['ketamine', 'Ketamine'],
        ['novel_psychoactive', 'New psychoactive substances'],
        ['volatile_substances', 'Solvents, gas or aerosols'],
        ['nitrous_oxide', 'Nitrous oxide'],
        ['medicines', 'Prescribed or over-the-counter medicines'],
        ['other', 'Other'],
      ]),
      yesNo('toxicologyConfirmed', 'Were the substances confirmed by toxicology?'),
      multi('route', 'How were they taken?', [
        ['swallowed', 'Swallowed'],
        ['smoked', 'Smoked'],
        ['inhaled', 'Inhaled'],
        ['injected', 'Injected'],
        ['snorted', 'Snorted'],
        ['other', 'Other'],
      ]),
      choice('intent', 'Intent', [
        ['accidental', 'Accidental'],
        ['self_harm', 'Intentional self-harm'],
        ['undetermined', 'Undetermined'],
      ]),
      choice('source', 'Where did the substances come from?', [
        ['dealer', 'A dealer'],
        ['friend_or_peer', 'A friend or peer'],
        ['home', 'Family or the home'],
        ['online', 'Online'],
        ['prescribed_to_child', 'Prescribed to the child'],
        ['other', 'Other'],
      ]),
      choice('setting', 'Setting', [
        ['own_home', 'The child’s home'],
        ['other_home', 'Another home'],
        ['party_or_festival', 'A party or festival'],
        ['outdoors_or_public_place', 'Outdoors or a public place'],
        ['other', 'Other'],
      ]),
      yesNo('alone', 'Was the child alone when the substances were taken?'),
      yesNo('helpSoughtPromptly', 'Was help sought promptly?'),
      yesNo('naloxoneGiven', 'Was naloxone given?', { notApplicable: true }),
    ]),
    section('history', 'Earlier use and services', [
      yesNo('previousUse', 'Was the child known to use alcohol or drugs before?'),
      integer('ageAtFirstUse', 'Age at first use', { minimum: 5, maximum: 17, unit: 'years' }, { when: USED_BEFORE }),
      choice(
        'pattern',
        'Pattern of use',
        [
          ['experimental', 'Experimental'],
          ['occasional', 'Occasional'],
          ['regular', 'Regular'],
          ['dependent', 'Dependent'],
        ],
        { when: USED_BEFORE },
      ),
      yesNo('previousOverdose', 'Had the child had an earlier overdose or an admission related to alcohol or drugs?'),
      choice('treatmentServices', 'Was the child known to young people’s substance misuse services?', [
        ...CURRENT_PREVIOUS_NEVER,
        ['referred_not_seen', 'Referred, not yet seen'],
      ]),
      yesNo('criminalExploitation', 'Was there evidence of criminal exploitation (e.g. county lines)?'),
      yesNo('parentalSubstanceMisuse', 'Did a parent or carer misuse alcohol or drugs?'),
      yesNo('mentalHealthConcerns', 'Were there concerns about the child’s mental health?'),
      yesNo('youthJustice', 'Was the child known to youth justice services?'),
      yesNo('outOfEducation', 'Was the child excluded or out of education?', { notApplicable: true }),
      yesNo('drugEducation', 'Had the child had drug education or harm-reduction advice?'),
      anythingElse(),
    ]),
  ],
});
