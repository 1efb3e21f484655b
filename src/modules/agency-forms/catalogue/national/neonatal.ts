import { choice, decimal, defineTemplate, integer, multi, section, yesNo } from '../template-builder';
import type { TemplateDefinition } from '../types';
import { anythingElse, NATIONAL_EFFECTIVE_FROM } from './shared';

const ADMITTED = { question: 'neonatalUnitAdmission', in: ['yes'] } as const;

/**
 * Neonatal and delivery suite: the pregnancy, labour and birth, resuscitation,
 * neonatal care, and the perinatal reviews that run alongside (MBRRACE-UK,
 * the Perinatal Mortality Review Tool, the maternity investigations programme).
 */
export const NEONATAL: TemplateDefinition = defineTemplate({
  key: 'neonatal',
  kind: 'supplementary',
  title: 'Neonatal and delivery suite',
  description:
    'A death in the neonatal period or related to the birth: pregnancy, labour and birth, resuscitation, neonatal care, and the perinatal reviews.',
  version: 1,
  effectiveFrom: NATIONAL_EFFECTIVE_FROM,
  sections: [
    section('pregnancy', 'Pregnancy', [
      integer('bookingGestationWeeks', 'Gestation at booking', { minimum: 4, maximum: 44, unit: 'weeks' }),
      yesNo('missedAntenatalCare', 'Were antenatal appointments missed?'),
      choice('plurality', 'Plurality', [
        ['singleton', 'Singleton'],
        ['twin', 'Twin'],
        ['triplet_or_more', 'Triplet or more'],
      ]),
      multi('complications', 'Complications of pregnancy', [
        ['none', 'None'],
        ['pre_eclampsia', 'Pre-eclampsia or hypertension'],
        ['gestational_diabetes', 'Gestational diabetes'],
        ['pre_existing_diabetes', 'Pre-existing diabetes'],
        ['antepartum_haemorrhage', 'Antepartum haemorrhage'],
        ['reduced_fetal_movements', 'Reduced fetal movements'],
        ['fetal_growth_restriction', 'Fetal growth restriction'],
        ['preterm_prelabour_rupture_of_membranes', 'Preterm prelabour rupture of membranes'],
        ['maternal_infection', 'Maternal infection or sepsis'],
        ['other', 'Other'],
      ]),
      choice(
        'antenatalSteroids',
        'Antenatal corticosteroids',
        [
          ['complete', 'Complete course'],
          ['incomplete', 'Incomplete course'],
          ['none', 'None'],
        ],
        { notApplicable: true, help: "'not_applicable' for a birth at 34 weeks or later." },
      ),
      yesNo('magnesiumSulphate', 'Was magnesium sulphate given for neuroprotection?', {
        notApplicable: true,
        help: "'not_applicable' for a birth at 30 weeks or later.",
      }),
      yesNo('smokingInPregnancy', 'Did the mother smoke in pregnancy?'),
      decimal('maternalBmi', 'Mother’s BMI at booking', { minimum: 10, maximum: 90, unit: 'kg/m²' }),
    ]),
    section('labourAndBirth', 'Labour and birth', [
      choice('intendedPlaceOfBirth', 'Intended place of birth', [
        ['obstetric_unit', 'Obstetric unit'],
        ['alongside_midwifery_unit', 'Alongside midwifery unit'],
        ['freestanding_midwifery_unit', 'Freestanding midwifery unit'],
        ['home', 'Home'],
      ]),
      choice('placeOfBirth', 'Actual place of birth', [
        ['obstetric_unit', 'Obstetric unit'],
        ['alongside_midwifery_unit', 'Alongside midwifery unit'],
        ['freestanding_midwifery_unit', 'Freestanding midwifery unit'],
        ['home_planned', 'Home, planned'],
        ['home_unplanned', 'Home, unplanned'],
        ['born_before_arrival', 'Born before arrival or in transit'],
        ['other', 'Other'],
      ]),
      yesNo('inUteroTransfer', 'Was the mother transferred before the birth for the baby’s care?'),
      choice('onsetOfLabour', 'Onset of labour', [
        ['spontaneous', 'Spontaneous'],
        ['induced', 'Induced'],
        ['no_labour', 'No labour (pre-labour caesarean)'],
      ]),
      integer(
        'membranesRupturedHours',
        'Time from rupture of membranes to birth',
        { minimum: 0, maximum: 2000, unit: 'hours' },
        { notApplicable: true },
      ),
      choice('modeOfBirth', 'Mode of birth', [
        ['spontaneous_vaginal', 'Spontaneous vaginal'],
        ['assisted_vaginal', 'Assisted vaginal (ventouse or forceps)'],
        ['vaginal_breech', 'Vaginal breech'],
        ['planned_caesarean', 'Planned caesarean'],
        ['emergency_caesarean', 'Emergency caesarean'],
      ]),
      integer('gestationWeeks', 'Gestation at birth: weeks', { minimum: 20, maximum: 44, unit: 'weeks' }),
      integer('gestationDays', 'Gestation at birth: days beyond the completed weeks', { minimum: 0, maximum: 6, unit: 'days' }),
      integer('birthWeightGrams', 'Birth weight', { minimum: 200, maximum: 7000, unit: 'g' }),
      integer('apgar1', 'Apgar score at 1 minute', { minimum: 0, maximum: 10 }),
      integer('apgar5', 'Apgar score at 5 minutes', { minimum: 0, maximum: 10 }),
      integer('apgar10', 'Apgar score at 10 minutes', { minimum: 0, maximum: 10 }, { notApplicable: true }),
      decimal('cordArterialPh', 'Cord arterial pH', { minimum: 6.5, maximum: 7.7 }, { notApplicable: true }),
      multi('resuscitation', 'Resuscitation at birth', [
        ['none', 'None'],
        ['mask_ventilation', 'Inflation breaths or mask ventilation'],
        ['intubation', 'Intubation'],
        ['chest_compressions', 'Chest compressions'],
        ['drugs', 'Adrenaline or other drugs'],
      ]),
      yesNo('seniorAtBirth', 'Was a neonatal registrar or consultant present at the birth?'),
    ]),
    section('neonatalCare', 'Neonatal care', [
      yesNo('neonatalUnitAdmission', 'Was the baby admitted to a neonatal unit?'),
      choice(
        'unitLevel',
        'Highest level of unit',
        [
          ['special_care', 'Special care unit'],
          ['local_neonatal', 'Local neonatal unit'],
          ['intensive_care', 'Neonatal intensive care unit'],
        ],
        { when: ADMITTED },
      ),
      yesNo('postnatalTransfer', 'Was the baby transferred to another hospital after birth?', { when: ADMITTED }),
      yesNo('therapeuticHypothermia', 'Was therapeutic hypothermia (cooling) given?', { when: ADMITTED }),
      yesNo('mechanicalVentilation', 'Was the baby mechanically ventilated?', { when: ADMITTED }),
      multi('complications', 'Complications', [
        ['none', 'None'],
        ['respiratory_distress', 'Respiratory distress syndrome'],
        ['necrotising_enterocolitis', 'Necrotising enterocolitis'],
        ['intraventricular_haemorrhage', 'Intraventricular haemorrhage'],
        ['sepsis', 'Sepsis'],
        ['hypoxic_ischaemic_encephalopathy', 'Hypoxic-ischaemic encephalopathy'],
        ['pulmonary_haemorrhage', 'Pulmonary haemorrhage'],
        ['congenital_anomaly', 'Congenital anomaly'],
        ['other', 'Other'],
      ]),
      yesNo('careRedirected', 'Was intensive care withdrawn, or care redirected to palliative care?'),
      yesNo('parentsPresent', 'Were the parents present at the death?'),
    ]),
    section('reviews', 'Perinatal reviews', [
      yesNo('mbrraceNotified', 'Was the death notified to MBRRACE-UK?'),
      choice('pmrtReview', 'Perinatal Mortality Review Tool (PMRT) review', [
        ['completed', 'Completed'],
        ['in_progress', 'In progress'],
        ['not_planned', 'Not planned'],
      ]),
      yesNo('maternityInvestigation', 'Was the death referred to the national maternity and newborn safety investigations programme?'),
      anythingElse(),
    ]),
  ],
});
