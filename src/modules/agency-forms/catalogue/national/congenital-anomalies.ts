import { choice, defineTemplate, integer, multi, section, text, yesNo } from '../template-builder';
import type { TemplateDefinition } from '../types';
import { anythingElse, NATIONAL_EFFECTIVE_FROM } from './shared';

const ANTENATAL = { question: 'timingOfDiagnosis', in: ['antenatal'] } as const;

/** Chromosomal, genetic and congenital anomalies: the anomaly, its diagnosis, family history and care. */
export const CONGENITAL_ANOMALIES: TemplateDefinition = defineTemplate({
  key: 'congenital-anomalies',
  kind: 'supplementary',
  title: 'Chromosomal, genetic and congenital anomalies',
  description:
    'A death of a child with a chromosomal, genetic or congenital anomaly: the anomaly and its diagnosis, family history and counselling, and the child’s care.',
  version: 1,
  effectiveFrom: NATIONAL_EFFECTIVE_FROM,
  sections: [
    section('anomaly', 'The anomaly', [
      multi('systems', 'Systems affected', [
        ['chromosomal', 'Chromosomal'],
        ['single_gene_or_syndrome', 'Single gene disorder or genetic syndrome'],
        ['cardiac', 'Heart'],
        ['nervous_system', 'Brain, spine or neural tube'],
        ['respiratory', 'Lungs or airway'],
        ['gastrointestinal', 'Gut or abdominal wall'],
        ['renal_or_urinary', 'Kidney or urinary tract'],
        ['musculoskeletal', 'Skeleton or muscles'],
        ['metabolic', 'Metabolic'],
        ['other', 'Other'],
      ]),
      text('diagnosis', 'Diagnosis, as recorded', { maxLength: 500 }),
      choice(
        'chromosomalCondition',
        'Chromosomal condition',
        [
          ['trisomy_21', 'Trisomy 21 (Down syndrome)'],
          ['trisomy_18', 'Trisomy 18 (Edwards syndrome)'],
          ['trisomy_13', 'Trisomy 13 (Patau syndrome)'],
          ['other', 'Other chromosomal condition'],
        ],
        { notApplicable: true },
      ),
      choice('confirmation', 'How was the diagnosis made?', [
        ['genetic_test', 'Confirmed by a genetic test'],
        ['clinical', 'Clinical diagnosis'],
        ['suspected', 'Suspected, not confirmed'],
      ]),
      choice('timingOfDiagnosis', 'When was it diagnosed?', [
        ['antenatal', 'Before birth'],
        ['neonatal', 'In the first 28 days'],
        ['later', 'After 28 days'],
        ['after_death', 'Only after the death'],
      ]),
      integer('gestationAtDiagnosisWeeks', 'Gestation at diagnosis', { minimum: 6, maximum: 44, unit: 'weeks' }, { when: ANTENATAL }),
      yesNo('fetalMedicineReferral', 'Was the mother referred to a fetal medicine service?', { when: ANTENATAL }),
      yesNo('parentsCounselled', 'Were the parents counselled about the diagnosis and its outlook?'),
      yesNo('lifeLimiting', 'Was the condition considered life-limiting?'),
    ]),
    section('family', 'Family history', [
      yesNo('parentsRelated', 'Are the parents blood relatives (consanguineous)?'),
      yesNo('familyHistory', 'Is there a family history of the condition?'),
      yesNo('affectedSiblings', 'Do other children in the family have the condition?'),
      yesNo('geneticCounselling', 'Was genetic counselling offered to the family?'),
      yesNo('folicAcid', 'Did the mother take folic acid before and in early pregnancy?', { notApplicable: true }),
      yesNo('teratogenExposure', 'Was there exposure in pregnancy to a medicine or substance linked with anomalies (e.g. valproate)?'),
    ]),
    section('care', 'Care', [
      yesNo('surgery', 'Did the child have surgery for the anomaly?'),
      yesNo('palliativePlan', 'Was there a palliative or parallel care plan?'),
      yesNo('registryNotified', 'Was the anomaly notified to the National Congenital Anomaly and Rare Disease Registration Service?'),
      anythingElse(),
    ]),
  ],
});
