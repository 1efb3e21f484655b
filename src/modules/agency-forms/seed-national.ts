import { isDeepStrictEqual } from 'node:util';
import type { DataSource } from 'typeorm';
import { inTransaction } from '../../platform/db/transaction';
import type { Logger } from '../../platform/logger';
import { NATIONAL_TEMPLATES, type TemplateDefinition } from './catalogue';
import * as templates from './templates.repository';

/** Who created the versions the service ships with. */
const NATIONAL_SEED_AUTHOR = 'system:national-forms';

/**
 * Makes sure every national template version the service ships with
 * (./catalogue/national) is in the database, published. Run at every start,
 * after the migrations (src/server.ts), in one transaction under an advisory
 * lock so two instances starting together do it once. Adds what is missing and
 * never changes what is there: a published version is immutable, so a changed
 * national form must ship as a new version. A stored version that differs from
 * the shipped one is reported (warn), not overwritten.
 */
export async function seedNationalTemplates(
  ds: DataSource,
  log?: Logger,
  definitions: readonly TemplateDefinition[] = NATIONAL_TEMPLATES,
): Promise<{ added: string[]; differing: string[] }> {
  const added: string[] = [];
  const differing: string[] = [];
  await inTransaction(ds, async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('cdop:seed-national-forms'))`);
    for (const d of definitions) {
      if (!(await templates.findTemplate(tx, d.key))) await templates.insertTemplate(tx, { id: d.key, kind: d.kind, national: true });
      const stored = await templates.findVersion(tx, d.key, d.version);
      if (!stored) {
        await templates.insertVersion(tx, {
          template_id: d.key,
          version: d.version,
          status: 'published',
          title: d.title,
          description: d.description,
          effective_from: d.effectiveFrom,
          schema: d.schema,
          display: d.display,
          created_by: NATIONAL_SEED_AUTHOR,
          published_at: new Date(),
        });
        added.push(`${d.key}@${d.version}`);
      } else if (!isDeepStrictEqual(stored.schema, d.schema) || !isDeepStrictEqual(stored.display, d.display)) {
        differing.push(`${d.key}@${d.version}`);
      }
    }
  });
  if (added.length) log?.info({ added }, 'national form templates added');
  if (differing.length) {
    log?.warn({ differing }, 'stored national form template versions differ from the shipped ones; ship a changed form as a new version');
  }
  return { added, differing };
}
