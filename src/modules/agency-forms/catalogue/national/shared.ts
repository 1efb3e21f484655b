import { narrative, type Options, type Question } from '../template-builder';

/** Every national form of the 2026 set takes effect on 1 April (the NCMD revises the forms each year). */
export const NATIONAL_EFFECTIVE_FROM = '2026-04-01';

/** The closing question of every supplementary form. */
export function anythingElse(): Question {
  return narrative('additionalInformation', 'Any other information relevant to this death', {
    notApplicable: true,
    help: "Do not repeat what the reporting form already holds. Answer 'not_applicable' when there is nothing to add.",
  });
}

/** Who was with, found or cared for the child: relationships only, never names. */
export const PERSON_OPTIONS: Options = [
  ['mother', 'Mother'],
  ['father', 'Father'],
  ['step_parent_or_partner', "Step-parent or parent's partner"],
  ['grandparent', 'Grandparent'],
  ['other_relative', 'Other relative'],
  ['sibling_or_other_child', 'Sibling or other child'],
  ['foster_carer', 'Foster carer'],
  ['childminder_or_nursery_staff', 'Childminder or nursery staff'],
  ['other_adult', 'Other adult'],
];

/** Current, earlier, or never: how the national forms ask about plans and statuses. */
export const CURRENT_PREVIOUS_NEVER: Options = [
  ['current', 'Yes, at the time of death'],
  ['previous', 'Previously, not at the time of death'],
  ['never', 'Never'],
];
