import { choice, defineTemplate, integer, section, yesNo } from '../template-builder';
import type { TemplateDefinition } from '../types';
import { anythingElse, NATIONAL_EFFECTIVE_FROM } from './shared';

const DRIVING = { question: 'childRole', in: ['car_or_van_driver', 'motorcycle_rider', 'e_scooter_rider'] } as const;

/**
 * Road traffic collision: the child's part in it, the road, the light and the
 * weather, restraints and protective equipment, supervision, and the drivers'
 * alcohol, drugs, speed and phone use.
 */
export const RTC: TemplateDefinition = defineTemplate({
  key: 'rtc',
  kind: 'supplementary',
  title: 'Road traffic collision',
  description:
    'A death in a road traffic collision: the child’s part in it, the road and conditions, restraints and protective equipment, supervision, and the drivers involved.',
  version: 1,
  effectiveFrom: NATIONAL_EFFECTIVE_FROM,
  sections: [
    section('collision', 'The collision', [
      choice('childRole', 'The child was', [
        ['pedestrian', 'A pedestrian'],
        ['cyclist', 'A cyclist'],
        ['car_or_van_passenger', 'A car or van passenger'],
        ['car_or_van_driver', 'A car or van driver'],
        ['motorcycle_rider', 'A motorcycle or moped rider'],
        ['motorcycle_passenger', 'A motorcycle passenger'],
        ['e_scooter_rider', 'An e-scooter rider'],
        ['bus_or_coach_passenger', 'A bus or coach passenger'],
        ['horse_rider', 'A horse rider'],
        ['other', 'Other'],
      ]),
      choice(
        'childLicence',
        'The child’s licence',
        [
          ['full', 'Full licence'],
          ['provisional', 'Provisional licence'],
          ['none', 'No licence'],
        ],
        { when: DRIVING },
      ),
      choice('otherVehicle', 'The other vehicle involved', [
        ['none', 'None: a single-vehicle collision'],
        ['car', 'Car'],
        ['van', 'Van'],
        ['lorry', 'Lorry or heavy goods vehicle'],
        ['bus_or_coach', 'Bus or coach'],
        ['motorcycle', 'Motorcycle'],
        ['bicycle', 'Bicycle'],
        ['e_scooter', 'E-scooter'],
        ['agricultural', 'Tractor or agricultural vehicle'],
        ['tram_or_train', 'Tram or train'],
        ['other', 'Other'],
      ]),
      integer('vehiclesInvolved', 'Number of vehicles involved', { minimum: 1, maximum: 50 }),
      choice('roadType', 'Where did it happen?', [
        ['residential_street', 'Residential street'],
        ['urban_main_road', 'Urban main road'],
        ['rural_road', 'Rural road'],
        ['motorway_or_dual_carriageway', 'Motorway or dual carriageway'],
        ['driveway_or_car_park', 'Driveway or car park'],
        ['off_road', 'Off road'],
        ['other', 'Other'],
      ]),
      choice(
        'speedLimitMph',
        'Speed limit',
        [
          [20, '20 mph'],
          [30, '30 mph'],
          [40, '40 mph'],
          [50, '50 mph'],
          [60, '60 mph'],
          [70, '70 mph'],
        ],
        { notApplicable: true, help: "'not_applicable' off the public road." },
      ),
      choice('light', 'Light conditions', [
        ['daylight', 'Daylight'],
        ['dusk_or_dawn', 'Dusk or dawn'],
        ['dark_lit', 'Dark, street lights lit'],
        ['dark_unlit', 'Dark, no lighting'],
      ]),
      choice('weather', 'Weather', [
        ['fine', 'Fine'],
        ['rain', 'Rain'],
        ['snow_or_ice', 'Snow, sleet or ice'],
        ['fog', 'Fog or mist'],
        ['high_winds', 'High winds'],
        ['other', 'Other'],
      ]),
      choice('roadSurface', 'Road surface', [
        ['dry', 'Dry'],
        ['wet', 'Wet'],
        ['snow_or_ice', 'Snow or ice'],
        ['flooded', 'Flooded'],
        ['other', 'Other'],
      ]),
      yesNo('driverLeftScene', 'Did a driver leave the scene?'),
      yesNo('policeInvestigation', 'Is there a police collision investigation?'),
      yesNo('earlierCollisionsAtSite', 'Were there earlier collisions or concerns about this location?'),
    ]),
    section('protection', 'Restraints and protective equipment', [
      yesNo('seatBeltWorn', 'Was the child wearing a seat belt?', { notApplicable: true }),
      choice(
        'childRestraint',
        'Child car seat or booster',
        [
          ['appropriate', 'Used, appropriate for age and size'],
          ['inappropriate_or_misused', 'Used, but inappropriate or misused'],
          ['none', 'None used'],
        ],
        { notApplicable: true, help: "'not_applicable' when the child was not a vehicle passenger or too old for one." },
      ),
      yesNo('helmetWorn', 'Was the child wearing a helmet?', { notApplicable: true }),
      yesNo('highVisibility', 'Was the child wearing high-visibility or reflective clothing?', { notApplicable: true }),
    ]),
    section('theChild', 'The child', [
      yesNo('supervisedByAdult', 'Was the child with or supervised by an adult?', { notApplicable: true }),
      yesNo('distracted', 'Was the child using a phone or headphones?', { notApplicable: true }),
      yesNo('childAlcoholOrDrugs', 'Had the child taken alcohol or drugs?', { notApplicable: true }),
    ]),
    section('drivers', 'The driver(s)', [
      choice(
        'driverRelationship',
        'The driver of the vehicle that struck the child, or of the child’s vehicle, was',
        [
          ['parent_or_carer', 'A parent or carer'],
          ['other_relative', 'Another relative'],
          ['friend', 'A friend'],
          ['stranger', 'Not known to the child'],
          ['the_child', 'The child'],
        ],
        { notApplicable: true },
      ),
      choice(
        'driverAgeBand',
        'Driver’s age',
        [
          ['under_17', 'Under 17'],
          ['17_to_24', '17 to 24'],
          ['25_to_64', '25 to 64'],
          ['65_and_over', '65 and over'],
        ],
        { notApplicable: true },
      ),
      yesNo('driverAlcohol', 'Was a driver over the alcohol limit?', { notApplicable: true }),
      yesNo('driverDrugs', 'Was a driver impaired by drugs?', { notApplicable: true }),
      yesNo('driverSpeed', 'Was excessive or inappropriate speed a factor?', { notApplicable: true }),
      yesNo('driverPhone', 'Was a driver using a mobile phone?', { notApplicable: true }),
      yesNo('driverUnlicensedOrUninsured', 'Was a driver unlicensed or uninsured?', { notApplicable: true }),
      yesNo('vehicleDefect', 'Was a vehicle defect a factor?', { notApplicable: true }),
    ]),
    section('response', 'Response', [yesNo('emergencyResponseIssues', 'Were there issues with the emergency response?'), anythingElse()]),
  ],
});
