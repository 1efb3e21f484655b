import type { DataSource } from 'typeorm';
import { audit } from '../../audit';
import { PG_FOREIGN_KEY_VIOLATION, PG_UNIQUE_VIOLATION, pgErrorOf } from '../../platform/db/sql';
import { inTransaction, type Tx } from '../../platform/db/transaction';
import { explainMissedVersionedWrite } from '../../platform/db/versioned';
import type { Page } from '../../platform/http/pagination';
import { notFound } from '../../platform/http/problem';
import * as agencies from './agencies.repository';
import { localAuthorityTaken, odsCodeTaken, panelCodeTaken, stillReferenced } from './directory.errors';
import type { Agency, AgencyCreate, AgencyUpdate, Panel, PanelCreate, PanelUpdate } from './directory.types';
import * as panels from './panels.repository';

const CONSTRAINT_ERRORS: Record<string, () => Error> = {
  panels_code_key: panelCodeTaken,
  panel_local_authorities_pkey: localAuthorityTaken,
  agencies_ods_code_key: odsCodeTaken,
};

/** Runs a command in one transaction, turning constraint violations into 409 problems. */
async function command<T>(ds: DataSource, what: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await inTransaction(ds, work);
  } catch (err) {
    const pg = pgErrorOf(err);
    if (pg?.code === PG_UNIQUE_VIOLATION && pg.constraint && CONSTRAINT_ERRORS[pg.constraint]) {
      throw CONSTRAINT_ERRORS[pg.constraint]!();
    }
    if (pg?.code === PG_FOREIGN_KEY_VIOLATION) throw stillReferenced(what);
    throw err;
  }
}

export interface DirectoryService {
  listPanels(q: { after?: (string | number)[]; limit: number }): Promise<Page<Panel>>;
  getPanel(id: string): Promise<Panel>;
  createPanel(input: PanelCreate): Promise<Panel>;
  updatePanel(id: string, version: number, patch: PanelUpdate): Promise<Panel>;
  deletePanel(id: string, version: number): Promise<void>;
  listAgencies(q: agencies.AgencyQuery): Promise<Page<Agency>>;
  getAgency(id: string): Promise<Agency>;
  createAgency(input: AgencyCreate): Promise<Agency>;
  updateAgency(id: string, version: number, patch: AgencyUpdate): Promise<Agency>;
  deleteAgency(id: string, version: number): Promise<void>;
}

export function createDirectoryService(ds: DataSource): DirectoryService {
  const getPanelIn = async (tx: Tx, id: string) => (await panels.findPanel(tx, id)) ?? Promise.reject(notFound('The panel'));
  const getAgencyIn = async (tx: Tx, id: string) => (await agencies.findAgency(tx, id)) ?? Promise.reject(notFound('The agency'));

  return {
    listPanels: (q) => inTransaction(ds, (tx) => panels.listPanels(tx, q)),
    getPanel: (id) => inTransaction(ds, (tx) => getPanelIn(tx, id)),
    createPanel: (input) =>
      command(ds, 'panel', async (tx) => {
        const id = await panels.insertPanel(tx, input);
        await audit(tx, { action: 'directory.panel.create', resourceType: 'panel', resourceId: id });
        return getPanelIn(tx, id);
      }),
    updatePanel: (id, version, patch) =>
      command(ds, 'panel', async (tx) => {
        if (!(await panels.updatePanel(tx, id, version, patch))) await explainMissedVersionedWrite(tx, 'panels', id, 'The panel');
        await audit(tx, {
          action: 'directory.panel.update',
          resourceType: 'panel',
          resourceId: id,
          details: { fields: Object.keys(patch).sort() },
        });
        return getPanelIn(tx, id);
      }),
    deletePanel: (id, version) =>
      command(ds, 'panel', async (tx) => {
        if (!(await panels.deletePanel(tx, id, version))) await explainMissedVersionedWrite(tx, 'panels', id, 'The panel');
        await audit(tx, { action: 'directory.panel.delete', resourceType: 'panel', resourceId: id });
      }),

    listAgencies: (q) => inTransaction(ds, (tx) => agencies.listAgencies(tx, q)),
    getAgency: (id) => inTransaction(ds, (tx) => getAgencyIn(tx, id)),
    createAgency: (input) =>
      command(ds, 'agency', async (tx) => {
        const agency = await agencies.insertAgency(tx, input);
        await audit(tx, { action: 'directory.agency.create', resourceType: 'agency', resourceId: agency.id });
        return agency;
      }),
    updateAgency: (id, version, patch) =>
      command(ds, 'agency', async (tx) => {
        const updated =
          (await agencies.updateAgency(tx, id, version, patch)) ?? (await explainMissedVersionedWrite(tx, 'agencies', id, 'The agency'));
        await audit(tx, {
          action: 'directory.agency.update',
          resourceType: 'agency',
          resourceId: id,
          details: { fields: Object.keys(patch).sort() },
        });
        return updated;
      }),
    deleteAgency: (id, version) =>
      command(ds, 'agency', async (tx) => {
        if (!(await agencies.deleteAgency(tx, id, version))) await explainMissedVersionedWrite(tx, 'agencies', id, 'The agency');
        await audit(tx, { action: 'directory.agency.delete', resourceType: 'agency', resourceId: id });
      }),
  };
}
