import { choice, defineTemplate, integer, section, yesNo } from '../template-builder';
import type { TemplateDefinition } from '../types';
import { anythingElse, NATIONAL_EFFECTIVE_FROM } from './shared';

const SUPERVISED = { question: 'supervised', in: ['yes'] } as const;

/** Drowning: the water and the activity, supervision, swimming ability, barriers and buoyancy aids, and the rescue. */
export const DROWNING: TemplateDefinition = defineTemplate({
  key: 'drowning',
  kind: 'supplementary',
  title: 'Drowning',
  description: 'A death by drowning: the water and the activity, supervision, swimming ability, safety measures and the rescue.',
  version: 1,
  effectiveFrom: NATIONAL_EFFECTIVE_FROM,
  sections: [
    section('incident', 'The incident', [
      choice('water', 'Where?', [
        ['bath', 'Bath'],
        ['garden_pond', 'Garden pond or water feature'],
        ['paddling_pool', 'Paddling pool'],
        ['private_pool', 'Private swimming pool or hot tub'],
        ['public_pool', 'Public swimming pool'],
        ['holiday_pool', 'Holiday or hotel pool'],
        ['river_or_stream', 'River or stream'],
        ['canal', 'Canal'],
        ['lake_or_reservoir', 'Lake or reservoir'],
        ['quarry', 'Quarry'],
        ['sea_or_coast', 'Sea or coast'],
        ['other', 'Other'],
      ]),
      choice('activity', 'What was the child doing?', [
        ['bathing', 'Bathing'],
        ['swimming', 'Swimming'],
        ['playing_near_water', 'Playing near water'],
        ['fell_in', 'Fell in'],
        ['jumped_or_dived', 'Jumped or dived in'],
        ['boating_or_watersport', 'Boating or a watersport'],
        ['rescuing_someone', 'Trying to rescue someone'],
        ['other', 'Other'],
      ]),
      yesNo('openWaterColdShock', 'Was cold water or cold shock a factor?', { notApplicable: true }),
      integer('minutesInWater', 'Estimated time in the water', { minimum: 0, maximum: 1440, unit: 'minutes' }),
      yesNo('bystanderCpr', 'Was resuscitation started by a bystander?'),
      yesNo('lifeguardPresent', 'Was a lifeguard on duty?', { notApplicable: true }),
      yesNo('medicalEvent', 'Could a seizure or other medical event have caused the child to drown?'),
      yesNo('epilepsy', 'Did the child have epilepsy?'),
    ]),
    section('supervision', 'Supervision', [
      yesNo('supervised', 'Was the child supervised at the time?'),
      choice(
        'supervisor',
        'By whom?',
        [
          ['parent_or_carer', 'Parent or carer'],
          ['other_adult_relative', 'Another adult relative'],
          ['older_child', 'An older child'],
          ['lifeguard_or_instructor', 'Lifeguard or instructor'],
          ['other_adult', 'Another adult'],
        ],
        { when: SUPERVISED },
      ),
      yesNo('supervisorDistracted', 'Was the supervisor distracted or out of sight (a phone, another room)?', { when: SUPERVISED }),
      yesNo('supervisorAlcoholOrDrugs', 'Had the supervisor taken alcohol or drugs?', { when: SUPERVISED }),
      yesNo('leftAloneInBath', 'Was the child left alone in the bath, or with only another child?', { notApplicable: true }),
      yesNo('bathSeatUsed', 'Was a bath seat used?', { notApplicable: true }),
    ]),
    section('safety', 'Safety', [
      choice(
        'swimmingAbility',
        'Could the child swim?',
        [
          ['competent', 'Yes, competently'],
          ['weak', 'Yes, weakly'],
          ['no', 'No'],
        ],
        { notApplicable: true },
      ),
      yesNo('buoyancyAid', 'Was the child wearing a life jacket or buoyancy aid?', { notApplicable: true }),
      yesNo('barrier', 'Was the water fenced or covered?', { notApplicable: true }),
      yesNo('warningSigns', 'Were there warning signs or public rescue equipment?', { notApplicable: true }),
      yesNo('childAlcoholOrDrugs', 'Had the child taken alcohol or drugs?', { notApplicable: true }),
      yesNo('waterSafetyEducation', 'Had the child had water safety education?', { notApplicable: true }),
      anythingElse(),
    ]),
  ],
});
