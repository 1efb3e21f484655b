import { AppError, forbidden, notFound } from '../../platform/http/problem';

// One message for "does not exist" and "not yours": a 404 must not confirm that a case exists.
export const caseNotFound = () => notFound('The case', 'CASE.NOT_FOUND');

export const recused = () =>
  forbidden('You have declared a conflict of interest for this case: its pack is not available to you.', 'REVIEW.RECUSED');

export const PACK_MEDIA_TYPES = ['application/json', 'application/pdf'] as const;
export type PackMediaType = (typeof PACK_MEDIA_TYPES)[number];

export const notAcceptable = () =>
  new AppError({
    status: 406,
    code: 'REQUEST.NOT_ACCEPTABLE',
    title: 'Not acceptable',
    detail: `Ask for one of: ${PACK_MEDIA_TYPES.join(', ')}.`,
  });
