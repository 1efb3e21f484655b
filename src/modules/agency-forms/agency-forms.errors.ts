import { AppError, badRequest, conflict, forbidden, notFound, type FieldError } from '../../platform/http/problem';

// One message for "does not exist" and "not yours": a 404 must not confirm that a request exists.
export const requestNotFound = () => notFound('The form request', 'FORM_REQUEST.NOT_FOUND');
export const submissionNotFound = () => notFound('The submission', 'FORM_SUBMISSION.NOT_FOUND');
export const caseNotFound = () => notFound('The case', 'CASE.NOT_FOUND');
export const templateNotFound = () => notFound('The form template', 'FORM_TEMPLATE.NOT_FOUND');
export const versionNotFound = () => notFound('The form template version', 'FORM_TEMPLATE.VERSION_NOT_FOUND');

export const templateExists = () => conflict('FORM_TEMPLATE.EXISTS', 'A form template with this id exists already.');
export const draftExists = (version: number) =>
  conflict('FORM_TEMPLATE.DRAFT_EXISTS', `Version ${version} is still a draft: publish it (or keep editing it) before starting another.`, {
    draftVersion: version,
  });
export const versionNotInStatus = (status: string, wanted: string) =>
  conflict('FORM_TEMPLATE.VERSION_STATUS', `The version is ${status}; this needs it ${wanted}.`);

export const caseClosed = () =>
  conflict('CASE.CLOSED', 'The case is closed (or was merged into another as a duplicate); it takes no form requests.');
// `existingRequestId`, not `requestId`: every problem document's `requestId` is the HTTP request's id.
export const alreadyRequested = (existingRequestId: string) =>
  conflict(
    'FORM_REQUEST.ALREADY_REQUESTED',
    'This form was already requested from this agency for this case; withdraw that request first to ask again.',
    { existingRequestId },
  );
export const requestClosed = (status: string) =>
  conflict('FORM_REQUEST.CLOSED', `The request was ${status}; it takes no drafts or submissions.`, { status });
export const requestNotOutstanding = (status: string) =>
  conflict('FORM_REQUEST.NOT_OUTSTANDING', `The request is ${status}; only a request not yet submitted can be withdrawn or waived.`, {
    status,
  });

export const unknownTemplate = (field = 'body.templateId') =>
  badRequest('Unknown form template.', [{ field, message: 'no such form template' }], 'FORM_TEMPLATE.UNKNOWN');
export const noPublishedVersion = (field = 'body.templateId') =>
  badRequest(
    'The form template has no published version to request.',
    [{ field, message: 'has no published version' }],
    'FORM_TEMPLATE.NOT_PUBLISHED',
  );
export const unknownAgency = (field: string) =>
  badRequest('Unknown agency.', [{ field, message: 'no such active agency' }], 'FORM_REQUEST.UNKNOWN_AGENCY');
export const templateVersionNotAccepted = () =>
  badRequest(
    'The answers must follow the version the form was requested with, or a version of the same form published since.',
    [{ field: 'body.templateVersion', message: 'is not the requested version nor a published version of this form' }],
    'FORM.TEMPLATE_VERSION_NOT_ACCEPTED',
  );
export const answersInvalid = (errors: FieldError[]) =>
  badRequest(
    `The answers do not satisfy the form (${errors.length} field${errors.length === 1 ? '' : 's'}).`,
    errors,
    'FORM.ANSWERS_INVALID',
  );
export const templateInvalid = (errors: FieldError[]) => badRequest('The form template is not valid.', errors, 'FORM_TEMPLATE.INVALID');

// Attachments. Refusals of the file itself are 415 (RFC 9110 allows it "as a result of inspecting the data directly").
export const attachmentNotFound = () => notFound('The attachment', 'ATTACHMENT.NOT_FOUND');
const unsupported = (code: string, detail: string, extensions?: Record<string, unknown>) =>
  new AppError({ status: 415, code, title: 'Unsupported media type', detail, extensions });
export const attachmentTypeNotAllowed = (claimed: string | undefined, allowedTypes: readonly string[]) =>
  unsupported(
    'ATTACHMENT.TYPE_NOT_ALLOWED',
    claimed ? `Files of type ${claimed} are not accepted here.` : 'Send the file with a Content-Type naming its type.',
    { allowedTypes },
  );
export const attachmentExecutable = () =>
  unsupported('ATTACHMENT.EXECUTABLE', 'Programs, scripts and archives are never accepted as attachments.');
export const attachmentUnrecognised = (allowedTypes: readonly string[]) =>
  unsupported(
    'ATTACHMENT.UNRECOGNISED',
    'The type of the file could not be recognised from its content; send it as one of the accepted types.',
    { allowedTypes },
  );
export const attachmentMismatch = (claimedType: string, detectedType: string) =>
  unsupported('ATTACHMENT.CONTENT_MISMATCH', `The file was sent as ${claimedType} but its content is ${detectedType}.`, {
    claimedType,
    detectedType,
  });
export const attachmentTooLarge = (maxBytes: number) =>
  new AppError({
    status: 413,
    code: 'ATTACHMENT.TOO_LARGE',
    title: 'Payload too large',
    detail: `The file is larger than ${maxBytes} bytes.`,
    extensions: { maxBytes },
  });
export const attachmentEmpty = () => badRequest('The file is empty.', [{ field: 'body', message: 'is empty' }], 'ATTACHMENT.EMPTY');
export const attachmentIncomplete = () =>
  badRequest('The upload ended before the whole file arrived.', [{ field: 'body', message: 'is incomplete' }], 'ATTACHMENT.INCOMPLETE');
export const filenameInvalid = (message: string) =>
  badRequest(
    'The Attachment-Filename header does not give a usable file name.',
    [{ field: 'headers.attachment-filename', message }],
    'ATTACHMENT.FILENAME_INVALID',
  );
export const attachmentLimitReached = (maxAttachments: number) =>
  conflict('ATTACHMENT.LIMIT_REACHED', `The form request has ${maxAttachments} attachments already, the most it may hold.`, {
    maxAttachments,
  });
export const attachmentSubmitted = () =>
  conflict('ATTACHMENT.SUBMITTED', 'The form was submitted after this file was uploaded; it is part of the record and cannot be deleted.');
export const notUploader = () => forbidden('Only whoever uploaded this file may delete it.', 'ATTACHMENT.NOT_UPLOADER');
