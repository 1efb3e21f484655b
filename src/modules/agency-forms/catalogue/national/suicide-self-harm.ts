import { choice, defineTemplate, integer, multi, section, yesNo } from '../template-builder';
import type { TemplateDefinition } from '../types';
import { anythingElse, CURRENT_PREVIOUS_NEVER, NATIONAL_EFFECTIVE_FROM } from './shared';

/**
 * Suicide or self-harm: the method and setting, earlier self-harm and mental
 * health care, and the factors the national suicide reviews of children look
 * for (bereavement, exposure to another suicide, bullying and harmful content
 * online, exams, abuse, exploitation, contact with the police). A link to other
 * deaths feeds the panel's possible-cluster review (docs/domain.md).
 */
export const SUICIDE_SELF_HARM: TemplateDefinition = defineTemplate({
  key: 'suicide-self-harm',
  kind: 'supplementary',
  title: 'Suicide or self-harm',
  description:
    'A death by suicide or possible self-harm: the method and setting, earlier self-harm, mental health care, the factors around the child, and any link with other deaths.',
  version: 1,
  effectiveFrom: NATIONAL_EFFECTIVE_FROM,
  sections: [
    section('circumstances', 'Circumstances', [
      choice('method', 'Method', [
        ['hanging_or_suffocation', 'Hanging, strangulation or suffocation'],
        ['poisoning_or_overdose', 'Poisoning or overdose'],
        ['fall_from_height', 'Jump or fall from a height'],
        ['railway', 'Railway'],
        ['road_vehicle', 'Road vehicle'],
        ['drowning', 'Drowning'],
        ['sharp_object', 'Cutting or stabbing'],
        ['firearm', 'Firearm'],
        ['other', 'Other'],
      ]),
      choice('setting', 'Where did the death happen?', [
        ['own_home', 'The child’s home'],
        ['other_home', 'Another home'],
        ['school_or_college', 'School or college'],
        ['public_place', 'Public place'],
        ['railway', 'Railway'],
        ['water', 'River, canal, lake or sea'],
        ['inpatient_unit', 'Hospital or mental health inpatient unit'],
        ['custody_or_secure_setting', 'Custody or a secure setting'],
        ['other', 'Other'],
      ]),
      yesNo('meansAccessible', 'Were the means readily accessible (for example medicines kept at home)?'),
      yesNo('noteLeft', 'Was a note or message left (including online)?'),
      yesNo('intentDisclosed', 'Had the child told anyone of suicidal thoughts or plans in the weeks before?'),
      multi(
        'disclosedTo',
        'Told whom?',
        [
          ['parent_or_carer', 'Parent or carer'],
          ['friend', 'Friend'],
          ['school_staff', 'School staff'],
          ['health_professional', 'Health professional'],
          ['online', 'Online'],
          ['other', 'Other'],
        ],
        { when: { question: 'intentDisclosed', in: ['yes'] } },
      ),
      yesNo('substancesAtTime', 'Had the child taken alcohol or drugs at the time?'),
      yesNo('searchedMethodsOnline', 'Is there evidence the child searched online for methods of suicide?'),
    ]),
    section('selfHarmAndMentalHealth', 'Self-harm and mental health', [
      yesNo('previousSelfHarm', 'Had the child self-harmed before?'),
      yesNo('selfHarmInLastYear', 'In the 12 months before the death?', { when: { question: 'previousSelfHarm', in: ['yes'] } }),
      yesNo('previousAttempt', 'Had the child attempted suicide before?'),
      yesNo('mentalHealthCondition', 'Did the child have a diagnosed mental health condition?'),
      multi(
        'mentalHealthConditions',
        'Which?',
        [
          ['depression', 'Depression'],
          ['anxiety', 'Anxiety'],
          ['eating_disorder', 'Eating disorder'],
          ['psychosis', 'Psychosis'],
          ['post_traumatic_stress', 'Post-traumatic stress'],
          ['emerging_personality_disorder', 'Emerging personality disorder'],
          ['other', 'Other'],
        ],
        { when: { question: 'mentalHealthCondition', in: ['yes'] } },
      ),
      multi('neurodevelopmental', 'Neurodevelopmental conditions', [
        ['none', 'None'],
        ['autism', 'Autism'],
        ['adhd', 'ADHD'],
        ['learning_disability', 'Learning disability'],
        ['other', 'Other'],
      ]),
      choice('mentalHealthServices', 'Was the child known to children and young people’s mental health services?', [
        ...CURRENT_PREVIOUS_NEVER,
        ['referred_not_seen', 'Referred, not yet seen'],
        ['referral_declined', 'Referred, referral not accepted'],
      ]),
      yesNo('inpatientAdmission', 'Had the child ever been admitted to a mental health inpatient unit?'),
      yesNo('safetyPlan', 'Did the child have a safety plan?'),
      yesNo('mentalHealthMedication', 'Was the child prescribed medication for mental health?'),
      integer('daysSinceLastHealthContact', 'Days between the last contact with any health service and the death', {
        minimum: 0,
        maximum: 6600,
        unit: 'days',
      }),
    ]),
    section('factors', 'Factors around the child', [
      yesNo('bereavement', 'Had the child been bereaved of someone close?'),
      yesNo('exposureToSuicide', 'Had the child been affected by another person’s suicide (family, friends, school, online)?'),
      yesNo('familyConflict', 'Was there conflict in the family?'),
      yesNo('relationshipBreakdown', 'Had a close relationship recently ended?'),
      yesNo('bulliedInPerson', 'Was the child bullied in person?'),
      yesNo('bulliedOnline', 'Was the child bullied online?'),
      yesNo('harmfulOnlineContent', 'Had the child viewed content about self-harm or suicide online?'),
      yesNo('academicPressure', 'Was the child under academic pressure (for example exams)?', { notApplicable: true }),
      yesNo('outOfEducation', 'Was the child excluded or out of education?', { notApplicable: true }),
      yesNo('abuseOrNeglect', 'Was abuse or neglect known or suspected (now or in the past)?'),
      yesNo('domesticAbuse', 'Was there domestic abuse at home?'),
      yesNo('exploitation', 'Was there concern about sexual or criminal exploitation?'),
      yesNo('lookedAfter', 'Was the child looked after, or a care leaver?'),
      yesNo('policeOrYouthJustice', 'Had the child been in contact with the police or youth justice in the last 12 months?'),
      yesNo('genderOrSexuality', 'Were questions of gender identity or sexual orientation a source of distress?'),
      yesNo('socialIsolation', 'Was the child socially isolated?'),
      yesNo('physicalHealthCondition', 'Did the child have a long-term physical health condition?'),
      yesNo('substanceMisuse', 'Did the child misuse alcohol or drugs?'),
      yesNo('familyMentalIllness', 'Is there a family history of mental illness?'),
      yesNo('familySuicide', 'Is there a family history of suicide?'),
      yesNo('familyFinancialProblems', 'Did the family have financial or housing problems?'),
    ]),
    section('afterTheDeath', 'After the death', [
      yesNo('supportToPeers', 'Was support offered to the child’s school, college or friends?', { notApplicable: true }),
      yesNo('linkToOtherDeaths', 'Is there a known link with other suicides (friends, school, area or online)?'),
      anythingElse(),
    ]),
  ],
});
