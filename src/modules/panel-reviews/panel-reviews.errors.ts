import { AppError, badRequest, conflict, forbidden, notFound, type FieldError } from '../../platform/http/problem';
import type { Refusal } from './review-rules';

// One message for "does not exist" and "not yours": a 404 must not confirm that a case or action exists.
export const caseNotFound = () => notFound('The case', 'CASE.NOT_FOUND');
export const panelNotFound = () => notFound('The panel', 'PANEL.NOT_FOUND');
export const reviewNotFound = () => notFound('The review', 'REVIEW.NOT_FOUND');
export const actionNotFound = () => notFound('The action', 'REVIEW_ACTION.NOT_FOUND');

export const recused = () =>
  forbidden('You declared a conflict of interest for this case: you cannot record its analysis or actions.', 'REVIEW.RECUSED');

export const reviewSigned = () =>
  conflict('REVIEW.SIGNED', 'The review is signed off and cannot change; reopen the case (with a reason) to start a new revision.');
export const reviewCaseClosed = () => conflict('REVIEW.CASE_CLOSED', 'The case is closed; reopen it (with a reason) to change its review.');
export const noDraft = () => conflict('REVIEW.NO_DRAFT', 'There is no draft review to sign off: write one first (PUT the review).');
export const reviewIncomplete = (missing: string[]) =>
  conflict('REVIEW.INCOMPLETE', `The draft cannot be signed off yet; it lacks: ${missing.join(', ')}.`, { missing });

export const invalidFactors = (errors: FieldError[]) =>
  badRequest(
    `The factors do not fit the review's analysis template (${errors.length} field${errors.length === 1 ? '' : 's'}).`,
    errors,
    'REVIEW.FACTORS_INVALID',
  );
export const unknownTemplate = () =>
  badRequest(
    'Unknown analysis template or version.',
    [{ field: 'body.templateId', message: 'no such analysis template (or version)' }],
    'REVIEW.UNKNOWN_TEMPLATE',
  );
export const unknownAgency = (field: string) =>
  badRequest('Unknown agency.', [{ field, message: 'no such active agency' }], 'REVIEW_ACTION.UNKNOWN_AGENCY');

export const refusedBy = (r: Refusal) =>
  r.status === 400
    ? new AppError({
        status: 400,
        code: r.code,
        title: 'The request is not valid',
        detail: r.detail,
        errors: [{ field: 'body.meetingId', message: r.detail }],
      })
    : conflict(r.code, r.detail, r.extensions);
