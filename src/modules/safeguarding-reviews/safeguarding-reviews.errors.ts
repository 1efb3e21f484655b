import { badRequest, conflict, notFound, type FieldError } from '../../platform/http/problem';
import type { ReviewAction } from './review-workflow';

// One message for "does not exist" and "not in your scope": a 404 must not confirm that a review or case exists.
export const reviewNotFound = () => notFound('The safeguarding review', 'SAFEGUARDING_REVIEW.NOT_FOUND');
export const caseNotFound = () => notFound('The case', 'CASE.NOT_FOUND');

export const actionNotAllowed = (detail: string, allowedActions: ReviewAction[]) =>
  conflict('SAFEGUARDING_REVIEW.ACTION_NOT_ALLOWED', detail, { allowedActions });
export const learningNotOpen = (state: string) =>
  conflict(
    'SAFEGUARDING_REVIEW.LEARNING_NOT_OPEN',
    `Learning points and actions are recorded once the review goes ahead and until it is published; it is ${state}.`,
  );
export const flagAlreadyReferred = (flagIds: string[]) =>
  conflict('SAFEGUARDING_REVIEW.FLAG_ALREADY_REFERRED', 'A flag named in the referral was already referred for a safeguarding review.', {
    flagIds,
  });

export const reviewInvalid = (errors: FieldError[]) =>
  badRequest(
    `The request breaks ${errors.length} rule${errors.length === 1 ? '' : 's'}: ${errors.map((e) => e.field).join(', ')}.`,
    errors,
    'SAFEGUARDING_REVIEW.INVALID',
  );
export const unknownAgency = (field: string) =>
  badRequest('Unknown agency.', [{ field, message: 'no such active agency' }], 'SAFEGUARDING_REVIEW.UNKNOWN_AGENCY');
