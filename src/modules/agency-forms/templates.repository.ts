import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Tx } from '../../platform/db/transaction';
import { FormTemplateEntity, FormTemplateVersionEntity } from './entities';

/** Form templates and their versions: plain CRUD through TypeORM. */

export type VersionSummaryRow = Pick<
  FormTemplateVersionEntity,
  'template_id' | 'version' | 'status' | 'title' | 'description' | 'effective_from' | 'published_at' | 'retired_at'
>;

/** A version without its content (schema, display): for lists. */
const SUMMARY_COLUMNS = {
  template_id: true,
  version: true,
  status: true,
  title: true,
  description: true,
  effective_from: true,
  published_at: true,
  retired_at: true,
} as const;

export async function listTemplates(tx: Tx): Promise<{ templates: FormTemplateEntity[]; versions: VersionSummaryRow[] }> {
  const templates = await tx.find(FormTemplateEntity, { order: { id: 'ASC' } });
  const versions = await tx.find(FormTemplateVersionEntity, {
    select: SUMMARY_COLUMNS,
    order: { template_id: 'ASC', version: 'ASC' },
  });
  return { templates, versions };
}

export function findTemplate(tx: Tx, id: string, opts: { lock?: boolean } = {}): Promise<FormTemplateEntity | null> {
  return tx.findOne(FormTemplateEntity, { where: { id }, ...(opts.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
}

export function findVersion(
  tx: Tx,
  templateId: string,
  version: number,
  opts: { lock?: boolean } = {},
): Promise<FormTemplateVersionEntity | null> {
  return tx.findOne(FormTemplateVersionEntity, {
    where: { template_id: templateId, version },
    ...(opts.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
  });
}

export function versionsOf(tx: Tx, templateId: string): Promise<VersionSummaryRow[]> {
  return tx.find(FormTemplateVersionEntity, {
    where: { template_id: templateId },
    select: SUMMARY_COLUMNS,
    order: { version: 'ASC' },
  });
}

/** The version new requests use: the highest published one. */
export function currentVersion(tx: Tx, templateId: string): Promise<FormTemplateVersionEntity | null> {
  return tx.findOne(FormTemplateVersionEntity, { where: { template_id: templateId, status: 'published' }, order: { version: 'DESC' } });
}

export async function insertTemplate(tx: Tx, t: Pick<FormTemplateEntity, 'id' | 'kind' | 'national'>): Promise<void> {
  await tx.insert(FormTemplateEntity, t);
}

export async function insertVersion(
  tx: Tx,
  v: Omit<FormTemplateVersionEntity, 'created_at' | 'published_at' | 'retired_at'> &
    Partial<Pick<FormTemplateVersionEntity, 'published_at'>>,
): Promise<void> {
  // TypeORM's deep-partial type cannot take a jsonb column typed Record<string, unknown>; the row is whole.
  await tx.insert(FormTemplateVersionEntity, v as QueryDeepPartialEntity<FormTemplateVersionEntity>);
}

export async function setVersionStatus(
  tx: Tx,
  templateId: string,
  version: number,
  ch: Pick<FormTemplateVersionEntity, 'status'> & Partial<Pick<FormTemplateVersionEntity, 'published_at' | 'retired_at'>>,
): Promise<void> {
  await tx.update(FormTemplateVersionEntity, { template_id: templateId, version }, ch);
}

/**
 * The content (schema and display) of published and retired versions, which never change (a trigger refuses any
 * edit: migrations/1796059624343-agency-forms.ts), kept per process: a submission then reads only the version's
 * status, not its 40 kB of schema and display. Drafts are always read from the database. A catalogue holds tens of
 * versions, so the cache is small.
 */
const immutableContent = new Map<string, Pick<FormTemplateVersionEntity, 'schema' | 'display'>>();

/** A version with its content, for validating answers against it (see immutableContent). */
export async function findVersionWithContent(tx: Tx, templateId: string, version: number): Promise<FormTemplateVersionEntity | null> {
  const meta = await tx.findOne(FormTemplateVersionEntity, {
    where: { template_id: templateId, version },
    select: { ...SUMMARY_COLUMNS, created_at: true, created_by: true },
  });
  if (!meta) return null;
  const key = `${templateId}@${version}`;
  let content = meta.status === 'draft' ? undefined : immutableContent.get(key);
  if (!content) {
    const row = await tx.findOne(FormTemplateVersionEntity, {
      where: { template_id: templateId, version },
      select: { template_id: true, version: true, schema: true, display: true },
    });
    if (!row) return null;
    content = { schema: row.schema, display: row.display };
    if (meta.status !== 'draft') immutableContent.set(key, content);
  }
  return { ...meta, ...content };
}
