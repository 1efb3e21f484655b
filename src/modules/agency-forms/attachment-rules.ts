import type { Principal } from '../../access/principal';
import type { FormAttachmentMeta } from './entities';

/**
 * When a file attached to a form is part of the record. Pure.
 *
 * A file belongs to every revision submitted after it was uploaded
 * (`request_revision` counts the revisions there were at upload). Until the
 * next submission it is the uploader's to remove (a wrong file, the wrong
 * child); after it, the file is what the agency submitted and stays. The
 * migration's trigger refuses the delete too, whoever runs it.
 */
export function submittedWithForm(a: Pick<FormAttachmentMeta, 'request_revision'>, requestRevisions: number): boolean {
  return requestRevisions > a.request_revision;
}

/** The uploader is the same person or agency system (kind and id), not anyone of the same agency. */
export function isUploader(p: Principal, a: Pick<FormAttachmentMeta, 'uploaded_by_type' | 'uploaded_by_id'>): boolean {
  return a.uploaded_by_type === p.kind && a.uploaded_by_id === p.id;
}
