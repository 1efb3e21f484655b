import type { Readable } from 'node:stream';
import type { Principal } from '../../../access/principal';
import { audit, auditStandalone } from '../../../audit';
import { AppError } from '../../../platform/http/problem';
import { readRawBody, type RawBody } from '../../../platform/http/raw-body';
import {
  beginIdempotent,
  completeIdempotent,
  fingerprint,
  requireKeyFromSystems,
  type IdempotentOutcome,
  type IdempotentRequest,
} from '../../../platform/idempotency/idempotency';
import * as requests from '../agency-forms.repository';
import * as attachments from '../attachments.repository';
import {
  attachmentEmpty,
  attachmentExecutable,
  attachmentIncomplete,
  attachmentLimitReached,
  attachmentMismatch,
  attachmentTooLarge,
  attachmentTypeNotAllowed,
  attachmentUnrecognised,
  filenameInvalid,
  requestClosed,
  requestNotFound,
} from '../agency-forms.errors';
import type { FormAttachmentView } from '../agency-forms.types';
import { attachmentView } from '../agency-forms.view';
import { judgeContent, mediaTypeOf, type AttachmentMediaType } from '../attachment-content';
import { cleanFilename } from '../attachment-filename';
import { detectMediaType } from '../content-sniff';
import { requestEvent, runFormsCommand, type AgencyFormsDeps, type Tx } from './deps';

/** A file as it arrives: the request's headers and its unread body. */
export interface AttachmentUpload {
  /** The Content-Type header. */
  contentType: string | undefined;
  /** The Attachment-Filename header (percent-encoded UTF-8). */
  filename: string | undefined;
  /** The Content-Length header, when the client sent one. */
  declaredLength: number | undefined;
  body: Readable;
}

/**
 * POST /v1/form-requests/{requestId}/attachments, read top to bottom:
 * what the headers say (an agency system's Idempotency-Key, an accepted type,
 * a usable name) → the request is one the caller may see, open and not full
 * (checked again under lock below) → a declared size within the limit → the body, read with the
 * limit counted as it arrives → what the bytes are (content-sniff.ts, judged
 * by attachment-content.ts) → then one transaction: Idempotency-Key → lock the
 * request (the agency asked, or the case's coordinator) → open, and room for
 * another file → store it with its SHA-256 → audit → stored response.
 *
 * The body is read before the transaction, so a slow upload holds no database
 * connection; nothing is written until every check on the file has passed.
 * Refusals of the file itself (too large, not what it claims, a program) are
 * audited on their own: an attempt to plant an executable leaves a trace.
 */
export async function uploadAttachment(
  deps: AgencyFormsDeps,
  p: Principal,
  requestId: string,
  upload: AttachmentUpload,
  idempotencyKey: string | undefined,
): Promise<IdempotentOutcome<FormAttachmentView>> {
  const policy = deps.attachments;
  requireKeyFromSystems(p, idempotencyKey, 'upload');
  const claimed = mediaTypeOf(upload.contentType);
  if (!claimed || !(policy.types as readonly string[]).includes(claimed)) throw attachmentTypeNotAllowed(claimed, policy.types);
  const claimedType = claimed as AttachmentMediaType;
  const name = cleanFilename(upload.filename);
  if (!name.ok) throw filenameInvalid(name.message);

  // Before a byte is read: a request the caller cannot see is a 404, and a closed or full one a 409, whatever the
  // file. Not closed or full with an Idempotency-Key: a retry of an upload that filled the request must get its
  // first answer again, which only the transaction below can tell (it checks both after the key).
  await runFormsCommand(deps, 'attachment.upload', { type: 'form_request', id: requestId }, async (tx) => {
    if (idempotencyKey) {
      if (!(await requests.findRequest(tx, p, requestId))) throw requestNotFound();
    } else {
      await mayTakeAnother(tx, p, requestId, policy.maxPerRequest);
    }
  });

  const refused = (err: AppError, details: Record<string, unknown> = {}) => refuseFile(deps, requestId, err, { claimedType, ...details });
  if (upload.declaredLength !== undefined && upload.declaredLength > policy.maxBytes) {
    upload.body.resume(); // let the body drain unread: the client can then read the refusal
    throw await refused(attachmentTooLarge(policy.maxBytes), { declaredLength: upload.declaredLength });
  }
  const file = await readFile(upload.body, policy.maxBytes, upload.declaredLength).catch(async (err: unknown) => {
    throw err instanceof AppError && err.status === 413 ? await refused(err) : err;
  });
  if (file.bytes.length === 0) throw attachmentEmpty();

  const detected = await detectMediaType(file.bytes);
  const verdict = judgeContent(claimedType, detected, file.bytes.subarray(0, 16));
  if (!verdict.ok) {
    const details = { size: file.bytes.length, detectedType: detected ?? null };
    if (verdict.refusal === 'executable') throw await refused(attachmentExecutable(), details);
    if (verdict.refusal === 'unrecognised') throw await refused(attachmentUnrecognised(policy.types), details);
    throw await refused(attachmentMismatch(claimedType, verdict.detectedType), details);
  }

  const route = `/v1/form-requests/${requestId}/attachments`;
  const request: IdempotentRequest | undefined = idempotencyKey
    ? {
        scope: `${p.kind}:${p.id}`,
        key: idempotencyKey,
        fingerprint: fingerprint('POST', route, { filename: name.filename, mediaType: verdict.mediaType, sha256: file.sha256 }),
      }
    : undefined;
  return runFormsCommand(deps, 'attachment.upload', { type: 'form_request', id: requestId }, async (tx) => {
    if (request) {
      const replay = await beginIdempotent<FormAttachmentView>(tx, request);
      if (replay) return replay;
    }
    const row = await mayTakeAnother(tx, p, requestId, policy.maxPerRequest, { lock: true });

    const stored = await attachments.insertAttachment(tx, {
      request_id: requestId,
      request_revision: row.revisions,
      filename: name.filename,
      media_type: verdict.mediaType,
      size: file.bytes.length,
      sha256: file.sha256,
      content: file.bytes,
      uploaded_at: deps.now(),
      uploaded_by_type: p.kind,
      uploaded_by_id: p.id,
    });
    await audit(
      tx,
      requestEvent(requestId, {
        action: 'attachment.upload',
        details: { caseId: row.case_id, attachmentId: stored.id, mediaType: stored.media_type, size: stored.size, sha256: stored.sha256 },
      }),
    );
    const response = { status: 201, body: attachmentView(stored, row.revisions) };
    return request ? completeIdempotent(tx, request, response) : { ...response, replayed: false };
  });
}

/** The request, if the caller may see it, it is open (requested or submitted) and it has room for another file. */
async function mayTakeAnother(tx: Tx, p: Principal, requestId: string, maxPerRequest: number, opts: { lock?: boolean } = {}) {
  const row = await requests.findRequest(tx, p, requestId, opts);
  if (!row) throw requestNotFound();
  if (row.status === 'withdrawn' || row.status === 'waived') throw requestClosed(row.status);
  if ((await attachments.countAttachments(tx, requestId)) >= maxPerRequest) throw attachmentLimitReached(maxPerRequest);
  return row;
}

async function readFile(body: Readable, maxBytes: number, declaredLength: number | undefined): Promise<RawBody> {
  try {
    return await readRawBody(body, maxBytes, () => attachmentTooLarge(maxBytes), declaredLength);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw attachmentIncomplete();
  }
}

/** Audits a refused file (codes, types and sizes only: never its name or bytes) and returns the refusal to throw. */
async function refuseFile(deps: AgencyFormsDeps, requestId: string, err: AppError, details: Record<string, unknown>): Promise<AppError> {
  await auditStandalone(deps.ds, {
    action: 'attachment.upload',
    resourceType: 'form_request',
    resourceId: requestId,
    outcome: 'denied',
    reason: err.code,
    details,
  });
  return err;
}
