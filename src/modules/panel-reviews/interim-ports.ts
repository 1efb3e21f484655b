import type { Principal } from '../../access/principal';
import { sql } from '../../platform/db/sql';
import type { Tx } from '../../platform/db/transaction';
import { caseScopeSql, type CaseStatus } from '../cases';
import type { ReviewCase, ReviewCasesPort, ReviewFamilyPort, ReviewMeetingsPort } from './panel-reviews.ports';

/**
 * TEMPORARY, until the cases module's `panels` side, panel-meetings and family are on main: app.ts wires the
 * real ports then and this file goes. The case is read with the cases module's scope; nothing else is answered.
 */
export const interimCases: ReviewCasesPort = {
  async find(tx: Tx, p: Principal, caseId: string, opts: { lock?: boolean } = {}): Promise<ReviewCase | undefined> {
    const params: unknown[] = [caseId];
    const { rows } = await sql<{
      id: string;
      reference: string | null;
      panel_id: string | null;
      status: CaseStatus;
      category: number | null;
    }>(
      tx,
      `SELECT c.id, c.reference, c.panel_id, c.status, c.category FROM cases c WHERE c.id = $1 AND ${caseScopeSql(p, 'c', params)}
       ${opts.lock ? 'FOR UPDATE' : ''}`,
      params,
    );
    const r = rows[0];
    return r && { id: r.id, reference: r.reference, panelId: r.panel_id, status: r.status, category: r.category };
  },
  step() {
    return Promise.reject(new Error('the cases module has no panel steps yet'));
  },
};

export const interimMeetings: ReviewMeetingsPort = {
  isRecused: () => Promise.resolve(false),
  signOffContext: () => Promise.resolve(undefined),
  markAgendaItemReviewed: () => Promise.reject(new Error('panel-meetings is not wired yet')),
};

export const interimFamily: ReviewFamilyPort = { openFamilyQuestions: () => Promise.resolve([]) };
