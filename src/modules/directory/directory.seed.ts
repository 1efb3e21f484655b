import type { DataSource } from 'typeorm';
import type { Logger } from '../../platform/logger';
import { sql } from '../../platform/db/sql';
import { inTransaction } from '../../platform/db/transaction';
import * as agencies from './agencies.repository';
import * as panels from './panels.repository';

/**
 * Development only: on the first start (no panels yet) add one example panel
 * and the agencies a coordinator would expect to see, so the API has
 * something to show. Organisations only; no personal data.
 */
export async function seedDirectoryForDevelopment(ds: DataSource, log: Logger): Promise<void> {
  await inTransaction(ds, async (tx) => {
    // Serialise concurrent first starts of several instances.
    await sql(tx, 'SELECT pg_advisory_xact_lock(7246031590113)');
    const { rowCount } = await sql(tx, 'SELECT 1 FROM panels LIMIT 1');
    if (rowCount) return;
    await panels.insertPanel(tx, {
      code: 'WOR',
      name: 'Worcestershire Child Death Overview Panel (example)',
      localAuthorities: [{ code: 'E10000034', name: 'Worcestershire' }],
      contactEmail: 'cdop@example.org',
    });
    for (const a of [
      { name: 'Example Acute Hospitals NHS Trust', type: 'hospital_trust', odsCode: 'RWP' },
      { name: 'Example Medical Practice', type: 'gp_practice', odsCode: 'M81001' },
      { name: 'Example Constabulary', type: 'police', odsCode: null },
      { name: 'Example Children’s Social Care', type: 'childrens_social_care', odsCode: null },
      { name: 'Example Ambulance Service NHS Trust', type: 'ambulance', odsCode: 'RYA' },
    ] as const) {
      await agencies.insertAgency(tx, a);
    }
    log.info('seeded an example panel and agencies (development)');
  });
}
