import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import type { Tx } from '../../../platform/db/transaction';
import type { CaseChange } from '../case-changes';
import type { CaseStatus, HoldReason } from '../case-status';
import { NEXT_STATUS, type PanelStep } from '../case-workflow';
import * as cases from '../cases.repository';
import type { CaseRow } from '../cases.repository';
import type { ExpectedDeath, Sex } from '../cases.types';
import { changeStatus } from './act-on-case';
import type { CasesDeps } from './case-command';
import { recordCaseChange } from './forms-support';

/** A case as the panel's modules (meetings, reviews, packs, family) need it: no identity, only its state. */
export interface CaseForPanel {
  id: string;
  reference: string | null;
  panelId: string | null;
  status: CaseStatus;
  holdReason: HoldReason | null;
  sex: Sex;
  category: number | null;
  ageAtDeathDays: number;
  expectedDeath: ExpectedDeath;
  mergedIntoCaseId: string | null;
}

/** Who the child was, for the anonymised pack to remove: never to show. */
export interface ChildIdentityForRedaction {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  dateOfDeath: string;
  nhsNumber: string | null;
}

/** What the panel's modules ask of the cases module, inside their own transaction. */
export interface CasesForPanels {
  /** The case if the caller may see it (case scope: its panel's coordinators, chairs and members); locked with `lock`. */
  find(tx: Tx, p: Principal, caseId: string, opts?: { lock?: boolean }): Promise<CaseForPanel | undefined>;
  /**
   * A panel step (PANEL_STEPS in case-workflow.ts), guarded by the workflow exactly as `POST /v1/cases/{id}/actions`
   * guards the others (404 outside the caller's scope; 409 `CASE.ACTION_NOT_ALLOWED` / `CASE.BLOCKED_BY_FLAG`):
   * locks the case, appends the log entry with `details`, meets or starts clocks, sets the category the panel signed
   * off (record_panel_review), audits.
   */
  step(
    tx: Tx,
    p: Principal,
    caseId: string,
    step: PanelStep,
    details: { meetingId?: string; category?: number; reason?: string; note?: string },
  ): Promise<{ fromStatus: CaseStatus; toStatus: CaseStatus }>;
  /** Records another kind of change in the case history and runs the case-change listeners (case-changes.ts). */
  changed(tx: Tx, actor: Principal, change: CaseChange): Promise<void>;
  /** For the anonymised pack only, to know what to remove. No scope check: call it after `find`. */
  identityOf(tx: Tx, caseId: string): Promise<ChildIdentityForRedaction>;
}

export function casesForPanels(deps: CasesDeps): CasesForPanels {
  return {
    async find(tx, p, caseId, opts = {}) {
      const row = await cases.findCase(tx, p, caseId, { lock: opts.lock ?? false });
      return row && forPanel(row);
    },
    async step(tx, p, caseId, step, details) {
      const { meetingId, category, reason, note } = details;
      const before = await cases.findCase(tx, p, caseId);
      const events = await changeStatus(
        deps,
        tx,
        p,
        caseId,
        { action: step, ...(reason !== undefined ? { reason } : {}), ...(note !== undefined ? { note } : {}) },
        deps.now(),
        { ...(meetingId !== undefined ? { meetingId } : {}), ...(category !== undefined ? { category } : {}) },
      );
      await audit(tx, ...events);
      // changeStatus refused unless the case was in scope, so `before` is there.
      return { fromStatus: before!.status, toStatus: NEXT_STATUS[step] };
    },
    changed: (tx, actor, change) => recordCaseChange(deps, tx, actor, change),
    async identityOf(tx, caseId) {
      const row = await cases.caseById(tx, caseId);
      if (!row) throw new Error(`identityOf: case ${caseId} does not exist`);
      return {
        givenName: row.child_given_name,
        familyName: row.child_family_name,
        dateOfBirth: row.child_date_of_birth,
        dateOfDeath: row.date_of_death,
        nhsNumber: row.child_nhs_number,
      };
    },
  };
}

const forPanel = (r: CaseRow): CaseForPanel => ({
  id: r.id,
  reference: r.reference,
  panelId: r.panel_id,
  status: r.status,
  holdReason: r.hold_reason,
  sex: r.child_sex,
  category: r.category,
  ageAtDeathDays: r.age_at_death_days,
  expectedDeath: r.expected_death,
  mergedIntoCaseId: r.merged_into_case_id,
});
