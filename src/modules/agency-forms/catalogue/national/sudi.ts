import { choice, decimal, defineTemplate, integer, multi, narrative, section, text, time, yesNo } from '../template-builder';
import type { TemplateDefinition } from '../types';
import { anythingElse, NATIONAL_EFFECTIVE_FROM, PERSON_OPTIONS } from './shared';

const ASLEEP = { question: 'putDownToSleep', in: ['yes'] } as const;
const SHARING = { question: 'sharingSleepSurface', in: ['yes'] } as const;

/**
 * Sudden unexpected death in infancy or childhood (SUDI/SUDC). The sleep
 * environment is structured, field by field, because these are the factors the
 * national SUDI analyses turn on (docs/domain.md): sleep surface, who shared it,
 * position put down and found, adult alcohol and drugs, smoking in pregnancy and
 * in the home, bedding and soft objects, swaddling, room temperature and overheating.
 */
export const SUDI: TemplateDefinition = defineTemplate({
  key: 'sudi',
  kind: 'supplementary',
  title: 'Sudden unexpected death in infancy or childhood',
  description:
    'The circumstances of a sudden unexpected death of an infant or child: where and how the child was found, the sleep environment, smoking, alcohol and drugs, and the days before the death.',
  version: 1,
  effectiveFrom: NATIONAL_EFFECTIVE_FROM,
  sections: [
    section('circumstances', 'Circumstances of the death', [
      time('lastSeenAliveAt', 'Time the child was last known to be alive', { help: 'Local time, HH:MM.' }),
      choice('lastSeenAliveBy', 'Who last saw the child alive?', PERSON_OPTIONS),
      time('foundAt', 'Time the child was found collapsed or unresponsive'),
      choice('foundBy', 'Who found the child?', [...PERSON_OPTIONS, ['professional', 'A professional (e.g. paramedic)']]),
      choice('whereFound', 'Where was the child found?', [
        ['own_home', 'The child’s own home'],
        ['relative_or_friend_home', 'A relative’s or friend’s home'],
        ['childminder_or_nursery', 'Childminder or nursery'],
        ['vehicle', 'In a vehicle'],
        ['outdoors_or_public_place', 'Outdoors or a public place'],
        ['hospital', 'In hospital'],
        ['other', 'Other'],
      ]),
      choice(
        'roomFound',
        'Which room?',
        [
          ['parents_bedroom', 'Parents’ bedroom'],
          ['own_bedroom', 'The child’s own bedroom'],
          ['shared_bedroom_with_children', 'Bedroom shared with other children'],
          ['living_room', 'Living room'],
          ['other_room', 'Other room'],
        ],
        { notApplicable: true, help: "'not_applicable' when the child was not found in a building." },
      ),
      yesNo('usualPlace', 'Was this where the child usually slept or spent this time of day?'),
      yesNo(
        'routineChanged',
        'Was the usual routine different that day or night (visiting, travelling, a celebration, illness, a new carer)?',
      ),
      text('routineChangeDetail', 'What was different?', { maxLength: 1000, when: { question: 'routineChanged', in: ['yes'] } }),
      yesNo('resuscitationByBystander', 'Did anyone attempt resuscitation before the ambulance arrived?'),
      yesNo('jointHomeVisit', 'Did police and a health professional visit the place of death together (joint home visit)?'),
    ]),
    section('sleepEnvironment', 'Sleep environment', [
      yesNo('putDownToSleep', 'Had the child been put down to sleep, or fallen asleep, before being found?'),
      choice(
        'sleepSurface',
        'What was the child sleeping on?',
        [
          ['cot', 'Cot or cot bed'],
          ['moses_basket', 'Moses basket'],
          ['bedside_crib', 'Bedside or next-to-me crib'],
          ['travel_cot', 'Travel cot'],
          ['adult_bed', 'Adult bed'],
          ['sofa', 'Sofa or settee'],
          ['armchair', 'Armchair'],
          ['bouncer_or_rocker', 'Bouncer, swing or rocker'],
          ['car_seat', 'Car seat'],
          ['pram_or_buggy', 'Pram or buggy'],
          ['sling_or_carrier', 'Sling or carrier'],
          ['floor', 'Floor, mattress or cushions on the floor'],
          ['other', 'Other'],
        ],
        { when: ASLEEP },
      ),
      yesNo('firmFlatMattress', 'Was the surface firm and flat, with a well-fitting, waterproof mattress?', { when: ASLEEP }),
      choice(
        'positionPutDown',
        'Position the child was put down in',
        [
          ['back', 'On the back'],
          ['side', 'On the side'],
          ['front', 'On the front (prone)'],
          ['sitting_or_propped', 'Sitting or propped up'],
        ],
        { when: ASLEEP },
      ),
      choice('positionFound', 'Position the child was found in', [
        ['back', 'On the back'],
        ['side', 'On the side'],
        ['front', 'On the front (prone)'],
        ['sitting_or_propped', 'Sitting or propped up'],
      ]),
      yesNo('faceCovered', 'Was the child’s face covered when found?'),
      yesNo('headCovered', 'Was the child’s head covered (by a hat or by bedding) when found?'),
      yesNo('wedgedOrTrapped', 'Was the child wedged or trapped (between mattress and wall, in a sofa gap, under a person)?'),
      yesNo('sharingSleepSurface', 'Was the child sharing a sleep surface with anyone (co-sleeping or bed-sharing)?', { when: ASLEEP }),
      multi(
        'sharingWith',
        'With whom?',
        [
          ['mother', 'Mother'],
          ['father', 'Father'],
          ['other_adult', 'Other adult'],
          ['sibling_or_other_child', 'Sibling or other child'],
          ['pet', 'Pet'],
        ],
        { when: SHARING },
      ),
      yesNo('sharingUsual', 'Did the child usually share this sleep surface?', { when: SHARING }),
      yesNo('sharerAlcohol', 'Had an adult sharing the sleep surface drunk alcohol in the 24 hours before?', { when: SHARING }),
      yesNo('sharerDrugs', 'Had an adult sharing the sleep surface taken illicit drugs or sedating medication in the 24 hours before?', {
        when: SHARING,
      }),
      yesNo('sharerSmokes', 'Does an adult who shared the sleep surface smoke?', { when: SHARING }),
      yesNo('pillows', 'Were there pillows on the sleep surface?', { when: ASLEEP }),
      yesNo('duvetOrQuilt', 'Was there a duvet, quilt or heavy blanket?', { when: ASLEEP }),
      yesNo('softObjects', 'Were there soft toys, cot bumpers, positioners or other soft objects?', { when: ASLEEP }),
      yesNo('looseBeddingAboveShoulders', 'Was there loose bedding above the child’s shoulders?', { when: ASLEEP }),
      yesNo('sleepingBag', 'Was the child in a baby sleeping bag?', { when: ASLEEP, help: "'not_applicable' for an older child." }),
      yesNo('swaddled', 'Was the child swaddled?', { when: ASLEEP }),
      yesNo('dummyUsed', 'Was a dummy used at the last sleep?', { when: ASLEEP }),
      decimal('roomTemperatureC', 'Room temperature measured at the scene', { minimum: -10, maximum: 50, unit: '°C' }),
      yesNo('heatingOn', 'Was heating on in the room?'),
      yesNo('signsOfOverheating', 'Were there signs of overheating (sweating, hot to touch, heavy clothing or bedding)?'),
      integer('clothingLayers', 'Layers of clothing the child was wearing', { minimum: 0, maximum: 10 }),
      yesNo('hatWorn', 'Was the child wearing a hat?'),
      yesNo('petsInRoom', 'Were pets in the room?'),
      yesNo('safeSleepAdviceGiven', 'Had the family been given safe sleep advice?', { notApplicable: true }),
      multi(
        'safeSleepAdviceBy',
        'Who gave the advice?',
        [
          ['midwife', 'Midwife'],
          ['health_visitor', 'Health visitor'],
          ['hospital', 'Hospital or neonatal unit staff'],
          ['gp', 'GP'],
          ['other', 'Other'],
        ],
        { when: { question: 'safeSleepAdviceGiven', in: ['yes'] } },
      ),
    ]),
    section('smokingAlcoholDrugs', 'Smoking, alcohol and drugs', [
      yesNo('smokingInPregnancy', 'Did the mother smoke during the pregnancy?', { notApplicable: true }),
      yesNo('smokingInHome', 'Did anyone smoke in the home?'),
      multi(
        'householdSmokers',
        'Who smoked?',
        [
          ['mother', 'Mother'],
          ['father', 'Father'],
          ['other_household_member', 'Other household member'],
        ],
        { when: { question: 'smokingInHome', in: ['yes'] } },
      ),
      yesNo('smokeExposureOutsideHome', 'Was the child exposed to smoke elsewhere (car, carers’ homes)?'),
      yesNo('carerAlcohol', 'Had the adult caring for the child drunk alcohol in the 24 hours before the death?'),
      yesNo('carerDrugs', 'Had the adult caring for the child taken illicit drugs or sedating medication in the 24 hours before?'),
      yesNo('parentalSubstanceMisuse', 'Was there known substance misuse by a parent or carer?'),
    ]),
    section('theChild', 'The child before the death', [
      integer('gestationAtBirthWeeks', 'Gestation at birth', { minimum: 22, maximum: 44, unit: 'completed weeks' }),
      integer('birthWeightGrams', 'Birth weight', { minimum: 200, maximum: 7000, unit: 'g' }),
      choice(
        'feeding',
        'How was the child fed?',
        [
          ['breast', 'Breast milk only'],
          ['formula', 'Formula only'],
          ['mixed', 'Breast and formula'],
          ['solids_and_milk', 'Solids and milk'],
          ['family_diet', 'Family diet'],
        ],
        { notApplicable: true },
      ),
      time('lastFeedAt', 'Time of the last feed', { notApplicable: true }),
      yesNo('unwellBefore', 'Was the child unwell in the 72 hours before the death?'),
      multi(
        'symptoms',
        'Symptoms',
        [
          ['fever', 'Fever'],
          ['cough_or_breathing', 'Cough or breathing difficulty'],
          ['vomiting', 'Vomiting'],
          ['diarrhoea', 'Diarrhoea'],
          ['poor_feeding', 'Poor feeding'],
          ['drowsiness', 'Unusually drowsy or floppy'],
          ['rash', 'Rash'],
          ['other', 'Other'],
        ],
        { when: { question: 'unwellBefore', in: ['yes'] } },
      ),
      yesNo('medicalAdviceSought', 'Was medical advice sought for the illness?', { when: { question: 'unwellBefore', in: ['yes'] } }),
      yesNo('immunisedInLastWeek', 'Was the child immunised in the 7 days before the death?'),
      yesNo('previousEpisodes', 'Had the child had earlier episodes of collapse, apnoea or a brief resolved unexplained event (BRUE)?'),
      yesNo('previousSuddenDeathInFamily', 'Has another child in the family died suddenly and unexpectedly?'),
    ]),
    section('findings', 'Investigations', [
      yesNo('skeletalSurvey', 'Was a skeletal survey performed?', { notApplicable: true }),
      narrative('postMortemFindings', 'Post-mortem findings, where known', { notApplicable: true }),
      anythingElse(),
    ]),
  ],
});
