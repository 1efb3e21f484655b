import { badRequest, conflict, forbidden, notFound, type FieldError } from '../../platform/http/problem';

// One message for "does not exist" and "not in your scope": a 404 must not confirm that a case exists.
export const caseNotFound = () => notFound('The case', 'CASE.NOT_FOUND');
export const questionNotFound = () => notFound('The question', 'FAMILY.QUESTION_NOT_FOUND');
/** A caller who sees the case (a member of its panel) but does not coordinate it: the family's details are not theirs to read. */
export const notCoordinator = () =>
  forbidden("Only the CDOP coordinators of the case's panel see and record the family's details.", 'FAMILY.NOT_COORDINATOR');
export const reviewSignedOff = () =>
  conflict(
    'FAMILY.REVIEW_SIGNED_OFF',
    "The panel's review of this case is signed off (the case is reviewed); the family's questions and answers no longer change.",
  );
export const familyInvalid = (errors: FieldError[]) =>
  badRequest(
    `The request breaks ${errors.length} rule${errors.length === 1 ? '' : 's'}: ${errors.map((e) => e.field).join(', ')}.`,
    errors,
    'FAMILY.INVALID',
  );
