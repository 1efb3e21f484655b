import { createHash } from 'node:crypto';
import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import * as requests from '../agency-forms.repository';
import * as attachments from '../attachments.repository';
import { attachmentNotFound, requestNotFound } from '../agency-forms.errors';
import type { FormAttachmentList, FormAttachmentView } from '../agency-forms.types';
import { attachmentView } from '../agency-forms.view';
import { requestEvent, runFormsCommand, type AgencyFormsDeps } from './deps';

/** Reads of a request's attachments: the agency asked and the case's coordinators (request-scope.ts); every read audited. */

/** How much of a file one statement reads while it is downloaded. */
const SLICE_BYTES = 256 * 1024;

export function listAttachments(deps: AgencyFormsDeps, p: Principal, requestId: string): Promise<FormAttachmentList> {
  return runFormsCommand(deps, 'attachment.list', { type: 'form_request', id: requestId }, async (tx) => {
    const row = await requests.findRequest(tx, p, requestId);
    if (!row) throw requestNotFound();
    const rows = await attachments.listAttachments(tx, requestId);
    await audit(
      tx,
      requestEvent(requestId, {
        action: 'attachment.list',
        details: { caseId: row.case_id, returned: rows.length, ids: rows.map((a) => a.id) },
      }),
    );
    return { items: rows.map((a) => attachmentView(a, row.revisions)) };
  });
}

export interface AttachmentDownload {
  attachment: FormAttachmentView;
  /** The bytes, slice by slice; the last slice is withheld (the iteration throws) if they no longer match the SHA-256. */
  content: AsyncIterable<Buffer>;
}

/**
 * GET …/attachments/{attachmentId}: the metadata is read and the download
 * audited in one transaction, which commits before the first byte is sent.
 * The bytes then follow slice by slice, each slice its own statement outside
 * the transaction (a slow client holds no connection), checked against the
 * SHA-256 recorded at upload as they go.
 */
export async function downloadAttachment(
  deps: AgencyFormsDeps,
  p: Principal,
  requestId: string,
  attachmentId: string,
): Promise<AttachmentDownload> {
  const attachment = await runFormsCommand(deps, 'attachment.download', { type: 'form_request', id: requestId }, async (tx) => {
    const row = await requests.findRequest(tx, p, requestId);
    if (!row) throw requestNotFound();
    const a = await attachments.findAttachment(tx, requestId, attachmentId);
    if (!a) throw attachmentNotFound();
    await audit(
      tx,
      requestEvent(requestId, {
        action: 'attachment.download',
        details: { caseId: row.case_id, attachmentId, size: a.size, sha256: a.sha256 },
      }),
    );
    return attachmentView(a, row.revisions);
  });
  return { attachment, content: slices(deps, attachment) };
}

async function* slices(deps: AgencyFormsDeps, a: FormAttachmentView): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  for (let offset = 0; offset < a.size; offset += SLICE_BYTES) {
    const length = Math.min(SLICE_BYTES, a.size - offset);
    const slice = await attachments.readContentSlice(deps.ds, a.id, offset, length);
    // Deleted since (its uploader, before submission) or, impossibly, changed: end the download short rather than send a wrong file.
    if (!slice || slice.length !== length) throw new Error('the attachment changed while it was being read');
    hash.update(slice);
    if (offset + length >= a.size && hash.digest('hex') !== a.sha256) {
      throw new Error('the attachment does not match its SHA-256');
    }
    yield slice;
  }
}
