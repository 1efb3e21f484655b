import { choice, date, defineTemplate, multi, section, text, yesNo } from '../template-builder';
import type { TemplateDefinition } from '../types';
import { anythingElse, NATIONAL_EFFECTIVE_FROM } from './shared';

const OPERATED = { question: 'cardiacProcedure', in: ['yes'] } as const;

/** Cardiac conditions, congenital or acquired: diagnosis, follow-up, procedures, inherited risk and the fatal event. */
export const CARDIAC: TemplateDefinition = defineTemplate({
  key: 'cardiac',
  kind: 'supplementary',
  title: 'Cardiac',
  description:
    'A death from a congenital or acquired heart condition: the diagnosis and its follow-up, procedures, inherited risk and family screening, and the fatal event.',
  version: 1,
  effectiveFrom: NATIONAL_EFFECTIVE_FROM,
  sections: [
    section('condition', 'The condition', [
      choice('conditionType', 'Type of condition', [
        ['congenital_heart_disease', 'Congenital heart disease'],
        ['cardiomyopathy', 'Cardiomyopathy'],
        ['myocarditis', 'Myocarditis'],
        ['arrhythmia_or_channelopathy', 'Arrhythmia or channelopathy (e.g. long QT)'],
        ['kawasaki_disease', 'Kawasaki disease'],
        ['pulmonary_hypertension', 'Pulmonary hypertension'],
        ['other_acquired', 'Other acquired condition'],
      ]),
      text('diagnosis', 'Diagnosis, as recorded by the cardiac team', { maxLength: 500 }),
      choice('whenDiagnosed', 'When was it diagnosed?', [
        ['antenatally', 'Before birth'],
        ['after_birth', 'After birth, before the death'],
        ['after_death', 'Only after the death (post-mortem)'],
      ]),
      yesNo('cardiologyFollowUp', 'Was the child under cardiology follow-up?'),
      date('lastCardiologyReview', 'Date of the last cardiology review', { when: { question: 'cardiologyFollowUp', in: ['yes'] } }),
      yesNo('awaitingProcedure', 'Was the child waiting for a procedure or a transplant?'),
      yesNo('cardiacMedication', 'Was the child on cardiac medication?'),
      choice('device', 'Device fitted', [
        ['none', 'None'],
        ['pacemaker', 'Pacemaker'],
        ['icd', 'Implantable defibrillator (ICD)'],
        ['vad', 'Ventricular assist device'],
        ['other', 'Other'],
      ]),
    ]),
    section('procedures', 'Procedures', [
      yesNo('cardiacProcedure', 'Had the child had cardiac surgery or a catheter intervention?'),
      date('lastProcedureDate', 'Date of the last procedure', { when: OPERATED }),
      yesNo('within30DaysOfProcedure', 'Did the death happen within 30 days of a procedure?', { when: OPERATED }),
      yesNo('reportedToNationalAudit', 'Was the death reported to the National Congenital Heart Disease Audit?', { when: OPERATED }),
    ]),
    section('inheritedRisk', 'Inherited risk', [
      yesNo('familyHistory', 'Is there a family history of sudden cardiac death or an inherited cardiac condition?'),
      choice(
        'geneticTesting',
        'Genetic testing of the child',
        [
          ['positive', 'Done: a cause found'],
          ['negative', 'Done: no cause found'],
          ['pending', 'Done: result awaited'],
          ['not_done', 'Not done'],
        ],
        { help: 'Including testing on samples kept after death (molecular autopsy).' },
      ),
      yesNo('familyScreeningOffered', 'Was cardiac screening offered to first-degree relatives?'),
    ]),
    section('fatalEvent', 'The fatal event', [
      choice('activity', 'What was the child doing?', [
        ['asleep', 'Asleep'],
        ['at_rest', 'At rest'],
        ['exercise_or_sport', 'Exercise or sport'],
        ['emotional_stress', 'Under emotional stress or startled'],
        ['in_hospital', 'In hospital care'],
        ['other', 'Other'],
      ]),
      multi('earlierSymptoms', 'Symptoms before the death', [
        ['none', 'None'],
        ['fainting', 'Fainting or blackouts'],
        ['chest_pain', 'Chest pain'],
        ['palpitations', 'Palpitations'],
        ['breathlessness', 'Breathlessness'],
        ['seizure_like_episodes', 'Seizure-like episodes'],
        ['exercise_intolerance', 'Exercise intolerance'],
        ['other', 'Other'],
      ]),
      yesNo('symptomsAssessed', 'Had those symptoms been assessed by a doctor?', { notApplicable: true }),
      yesNo('bystanderCpr', 'Was resuscitation started by a bystander?', { notApplicable: true }),
      yesNo('defibrillatorUsed', 'Was a public-access defibrillator used?', { notApplicable: true }),
      anythingElse(),
    ]),
  ],
});
