import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import type { Tx } from '../../../platform/db/transaction';
import type { CaseChange } from '../case-changes';
import { runListeners, stateOf } from './case-change-hook';
import { canIdentifyChild } from '../case-scope';
import type { CaseStatus } from '../case-status';
import { CLOCKS_STARTED_BY_ACTION, evaluateAction, NEXT_STATUS } from '../case-workflow';
import * as cases from '../cases.repository';
import type { CaseRow } from '../cases.repository';
import { computeCaseDeadlines } from '../clocks';
import { caseEvent, snapshotOf, type CasesDeps } from './case-command';

/** A case as the agency-forms module needs it: who the child was (for the agency asked), its reference and state. */
export interface CaseForForms {
  id: string;
  reference: string | null;
  panelId: string | null;
  status: CaseStatus;
  mergedIntoCaseId: string | null;
  child: { givenName: string; familyName: string; dateOfBirth: string; dateOfDeath: string; nhsNumber: string | null };
}

/** What the agency-forms module asks of the cases module, inside its own transaction. */
export interface CasesForForms {
  /** The case (locked with `lock`) if the caller may identify its child (the CDOP coordinators of its panel); undefined otherwise. */
  forCoordinator(tx: Tx, p: Principal, caseId: string, opts?: { lock?: boolean }): Promise<CaseForForms | undefined>;
  /** Records a change another module made to the case and runs the case-change listeners (case-changes.ts). */
  changed(tx: Tx, actor: Principal, change: CaseChange): Promise<void>;
}

export function casesForForms(deps: CasesDeps): CasesForForms {
  return {
    async forCoordinator(tx, p, caseId, opts = {}) {
      const row = await cases.findCase(tx, p, caseId, { lock: opts.lock ?? false });
      return row && canIdentifyChild(p, { panelId: row.panel_id }) ? forForms(row) : undefined;
    },
    changed: (tx, actor, change) => recordCaseChange(deps, tx, actor, change),
  };
}

const forForms = (r: CaseRow): CaseForForms => ({
  id: r.id,
  reference: r.reference,
  panelId: r.panel_id,
  status: r.status,
  mergedIntoCaseId: r.merged_into_case_id,
  child: {
    givenName: r.child_given_name,
    familyName: r.child_family_name,
    dateOfBirth: r.child_date_of_birth,
    dateOfDeath: r.date_of_death,
    nhsNumber: r.child_nhs_number,
  },
});

/**
 * Locks the case, records the change in its history and runs the listeners.
 * The first form requested for a case still at "notified" is the request for
 * information the workflow knows (`request_information`): the case moves to
 * "gathering information" and the agency reporting forms clock starts, when
 * the workflow allows it (not on hold, assigned to a panel).
 */
export async function recordCaseChange(deps: CasesDeps, tx: Tx, actor: Principal, change: CaseChange): Promise<void> {
  const row = await cases.lockCaseForChange(tx, change.caseId);
  if (!row) throw new Error(`case change: case ${change.caseId} does not exist`);
  const at = deps.now();
  const { kind, caseId: _caseId, ...payload } = change;
  let status = row.status;
  if (kind === 'form_requested' && row.status === 'notified') {
    const flags = await cases.flagsOf(tx, actor, row.id);
    if (evaluateAction(snapshotOf(row, flags), 'request_information').ok) {
      status = await requestInformation(deps, tx, actor, row, at, payload);
    }
  }
  if (status === row.status) {
    await cases.insertChangeEntry(tx, { caseId: row.id, action: kind, status, actorType: actor.kind, actorId: actor.id, payload });
  }
  await runListeners(deps, tx, { kind: actor.kind, id: actor.id }, change, { ...stateOf(row), status }, at);
}

/** The workflow's request_information step, taken by the first form request (see recordCaseChange). */
async function requestInformation(
  deps: CasesDeps,
  tx: Tx,
  p: Principal,
  row: CaseRow,
  at: Date,
  payload: Record<string, unknown>,
): Promise<CaseStatus> {
  const to = NEXT_STATUS.request_information;
  const event = CLOCKS_STARTED_BY_ACTION.request_information!;
  const started = await cases.startDeadlines(
    tx,
    p,
    row.id,
    computeCaseDeadlines(
      { [event]: at },
      deps.rules.filter((r) => r.startsFrom === event),
    ).map((d) => ({ rule_id: d.ruleId, starts_from: event, started_at: at, due_at: d.dueAt, due_date: d.dueDate, met_at: null })),
  );
  await cases.insertAction(tx, p, {
    caseId: row.id,
    action: 'request_information',
    fromStatus: row.status,
    toStatus: to,
    payload: { ...payload, byFormRequest: true, ...(started.length ? { startedDeadlines: started } : {}) },
  });
  await cases.updateCase(tx, p, row.id, { status: to });
  await audit(
    tx,
    caseEvent(row.id, {
      action: 'case.action',
      details: { action: 'request_information', fromStatus: row.status, toStatus: to, startedDeadlines: started, byFormRequest: true },
    }),
  );
  return to;
}
