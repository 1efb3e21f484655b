import { choice, defineTemplate, integer, section, yesNo } from '../template-builder';
import type { TemplateDefinition } from '../types';
import { anythingElse, NATIONAL_EFFECTIVE_FROM } from './shared';

const NA = { notApplicable: true } as const;

/**
 * Asthma and anaphylaxis. The asthma questions are those of the national asthma
 * reviews (action plan, annual review, inhaler technique, preventer adherence,
 * reliever over-use, steroid courses, attendances); the anaphylaxis questions the
 * allergy pathway (known allergen, action plan, adrenaline prescribed, carried and
 * given). Questions about the condition the child did not have are 'not_applicable'.
 */
export const ASTHMA_ANAPHYLAXIS: TemplateDefinition = defineTemplate({
  key: 'asthma-anaphylaxis',
  kind: 'supplementary',
  title: 'Asthma and anaphylaxis',
  description: 'A death from asthma or anaphylaxis: care of the condition in the year before, the allergy pathway, and the fatal episode.',
  version: 1,
  effectiveFrom: NATIONAL_EFFECTIVE_FROM,
  sections: [
    section('condition', 'Condition', [
      choice(
        'condition',
        'The death involved',
        [
          ['asthma', 'Asthma'],
          ['anaphylaxis', 'Anaphylaxis'],
          ['both', 'Both'],
        ],
        { notKnown: false },
      ),
    ]),
    section(
      'asthma',
      'Asthma care',
      [
        choice(
          'severity',
          'Severity of asthma',
          [
            ['mild', 'Mild'],
            ['moderate', 'Moderate'],
            ['severe', 'Severe or difficult to treat'],
          ],
          NA,
        ),
        yesNo('actionPlan', 'Did the child have a personalised asthma action plan?', NA),
        yesNo('annualReview', 'Was there an asthma review in the 12 months before death?', NA),
        yesNo('inhalerTechniqueChecked', 'Was inhaler technique checked in the last 12 months?', NA),
        yesNo('preventerPrescribed', 'Was a preventer inhaler prescribed?', NA),
        choice(
          'preventerAdherence',
          'Adherence to the preventer (prescriptions collected)',
          [
            ['good', 'Good'],
            ['partial', 'Partial'],
            ['poor', 'Poor'],
          ],
          NA,
        ),
        integer('relieverInhalers12Months', 'Reliever (SABA) inhalers issued in the last 12 months', { minimum: 0, maximum: 200 }, NA),
        integer('oralSteroidCourses12Months', 'Courses of oral steroids in the last 12 months', { minimum: 0, maximum: 60 }, NA),
        integer(
          'emergencyAttendances12Months',
          'Emergency department attendances for asthma in the last 12 months',
          { minimum: 0, maximum: 200 },
          NA,
        ),
        integer('admissions12Months', 'Hospital admissions for asthma in the last 12 months', { minimum: 0, maximum: 200 }, NA),
        yesNo('everIntensiveCare', 'Had the child ever been admitted to intensive care for asthma?', NA),
        yesNo('followUpAfterAttack', 'Was the child followed up after the last attack or admission?', NA),
        yesNo('smokeExposure', 'Was the child exposed to tobacco smoke, or did the child smoke or vape?', NA),
        yesNo('dampOrMould', 'Was the child exposed to damp or mould at home?', NA),
        yesNo('schoolPlanAndInhaler', 'Did the school or nursery hold the asthma plan and an emergency inhaler?', NA),
        yesNo('notBroughtToAppointments', 'Was the child not brought to asthma appointments?', NA),
      ],
      "'not_applicable' throughout when the death did not involve asthma.",
    ),
    section(
      'anaphylaxis',
      'Allergy and anaphylaxis',
      [
        choice(
          'trigger',
          'The trigger',
          [
            ['food', 'Food'],
            ['medicine', 'Medicine'],
            ['insect_sting', 'Insect sting'],
            ['latex', 'Latex'],
            ['other', 'Other'],
          ],
          NA,
        ),
        yesNo('knownAllergen', 'Was the trigger a known allergen for this child?', NA),
        yesNo('allergySpecialistSeen', 'Had the child been seen by an allergy specialist?', NA),
        yesNo('allergyActionPlan', 'Did the child have an allergy action plan?', NA),
        yesNo('autoInjectorPrescribed', 'Were adrenaline auto-injectors prescribed?', NA),
        yesNo('autoInjectorAvailable', 'Was an auto-injector with the child at the time?', NA),
        yesNo('adrenalineGiven', 'Was adrenaline given before the ambulance arrived?', NA),
        integer('minutesToAdrenaline', 'Minutes from the first symptoms to the first adrenaline', { minimum: 0, maximum: 1440 }, NA),
        yesNo('allergenInformationFailure', 'Was missing or wrong allergen information (labelling, menu, staff) a factor?', NA),
        yesNo('coexistingAsthma', 'Did the child also have asthma?', NA),
      ],
      "'not_applicable' throughout when the death did not involve anaphylaxis.",
    ),
    section('fatalEpisode', 'The fatal episode', [
      choice('setting', 'Where did it start?', [
        ['home', 'Home'],
        ['school_or_nursery', 'School or nursery'],
        ['food_outlet', 'Restaurant, café or takeaway'],
        ['outdoors', 'Outdoors'],
        ['other', 'Other'],
      ]),
      yesNo('ambulanceCalledPromptly', 'Was an ambulance called promptly?'),
      yesNo('emergencyResponseIssues', 'Were there issues with the emergency response?'),
      anythingElse(),
    ]),
  ],
});
