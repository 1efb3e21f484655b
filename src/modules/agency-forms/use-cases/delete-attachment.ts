import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import * as requests from '../agency-forms.repository';
import * as attachments from '../attachments.repository';
import { attachmentNotFound, attachmentSubmitted, notUploader, requestNotFound } from '../agency-forms.errors';
import { isUploader, submittedWithForm } from '../attachment-rules';
import { requestEvent, runFormsCommand, type AgencyFormsDeps } from './deps';

/**
 * DELETE …/attachments/{attachmentId}, in one transaction: lock the request
 * (so a submission cannot slip in between the check and the delete) → the
 * file → only its uploader → only until the form is next submitted
 * (attachment-rules.ts; the table's trigger holds the same line) → delete →
 * audit, keeping what the file was (type, size, SHA-256), never its name.
 */
export function deleteAttachment(deps: AgencyFormsDeps, p: Principal, requestId: string, attachmentId: string): Promise<void> {
  return runFormsCommand(deps, 'attachment.delete', { type: 'form_request', id: requestId }, async (tx) => {
    const row = await requests.findRequest(tx, p, requestId, { lock: true });
    if (!row) throw requestNotFound();
    const a = await attachments.findAttachment(tx, requestId, attachmentId);
    if (!a) throw attachmentNotFound();
    if (!isUploader(p, a)) throw notUploader();
    if (submittedWithForm(a, row.revisions)) throw attachmentSubmitted();
    await attachments.deleteAttachment(tx, attachmentId);
    await audit(
      tx,
      requestEvent(requestId, {
        action: 'attachment.delete',
        details: { caseId: row.case_id, attachmentId, mediaType: a.media_type, size: a.size, sha256: a.sha256 },
      }),
    );
  });
}
