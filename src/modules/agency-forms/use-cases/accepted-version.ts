import type { Tx } from '../../../platform/db/transaction';
import type { RequestRow } from '../agency-forms.repository';
import { templateVersionNotAccepted } from '../agency-forms.errors';
import type { FormTemplateVersionEntity } from '../entities';
import * as templates from '../templates.repository';

/**
 * The template version a draft or submission may follow: the one the form was
 * requested with (even if retired since: the agency may have started it), or
 * any version of the same form published since (the national forms change
 * every 1 April). Never a draft, never another form.
 */
export async function acceptedVersion(tx: Tx, request: RequestRow, version: number): Promise<FormTemplateVersionEntity> {
  const v = await templates.findVersionWithContent(tx, request.template_id, version);
  const ok = v && (version === request.template_version || (v.status === 'published' && version > request.template_version));
  if (!ok) throw templateVersionNotAccepted();
  return v;
}
