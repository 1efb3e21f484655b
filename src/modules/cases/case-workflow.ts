import type { StartEvent } from './clocks';
import type { CaseStatus, HoldReason } from './case-status';

/**
 * The case workflow as data (see README.md in this folder). Pure: the service
 * loads a snapshot of the case under a row lock, asks `evaluateAction`, and
 * writes what the tables say.
 */

export const CASE_ACTIONS = [
  'request_information',
  'convene_review_meeting',
  'mark_ready_for_panel',
  'schedule_for_panel',
  'unschedule',
  'record_panel_review',
  'close',
  'reopen',
  'place_hold',
  'lift_hold',
  'dismiss_flag',
  'restore_flag',
  'merge_duplicate',
  'unmerge',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

const OPEN_CASE_SIDE_ACTIONS = ['place_hold', 'lift_hold', 'dismiss_flag', 'restore_flag', 'merge_duplicate'] as const;

/**
 * What each status allows before holds, flags and the case's own state narrow
 * it. A closed case is frozen except for reopening it or undoing a merge.
 */
export const ALLOWED_ACTIONS_BY_STATUS = {
  notified: ['request_information', ...OPEN_CASE_SIDE_ACTIONS],
  gathering_information: ['convene_review_meeting', 'mark_ready_for_panel', ...OPEN_CASE_SIDE_ACTIONS],
  child_death_review_meeting: ['mark_ready_for_panel', ...OPEN_CASE_SIDE_ACTIONS],
  ready_for_panel: ['schedule_for_panel', ...OPEN_CASE_SIDE_ACTIONS],
  scheduled_for_panel: ['unschedule', 'record_panel_review', ...OPEN_CASE_SIDE_ACTIONS],
  reviewed: ['close', ...OPEN_CASE_SIDE_ACTIONS],
  closed: ['reopen', 'unmerge'],
} as const satisfies Record<CaseStatus, readonly CaseAction[]>;

/**
 * The status an action leads to. `same` keeps the status; `before_merge` is
 * the status recorded when the case was merged (read from the log).
 */
export const NEXT_STATUS = {
  request_information: 'gathering_information',
  convene_review_meeting: 'child_death_review_meeting',
  mark_ready_for_panel: 'ready_for_panel',
  schedule_for_panel: 'scheduled_for_panel',
  unschedule: 'ready_for_panel',
  record_panel_review: 'reviewed',
  close: 'closed',
  reopen: 'gathering_information',
  place_hold: 'same',
  lift_hold: 'same',
  dismiss_flag: 'same',
  restore_flag: 'same',
  merge_duplicate: 'closed',
  unmerge: 'before_merge',
} as const satisfies Record<CaseAction, CaseStatus | 'same' | 'before_merge'>;

/**
 * Actions that move the review forward (or end it). A hold blocks them until
 * lifted, and a case in the unassigned queue cannot take them: it has no panel
 * to review it yet. Merging closes the case, so it is blocked by a hold too
 * (lift it first: a hold on a duplicate is a decision someone made).
 */
const PROGRESS_ACTIONS: ReadonlySet<CaseAction> = new Set([
  'request_information',
  'convene_review_meeting',
  'mark_ready_for_panel',
  'schedule_for_panel',
  'record_panel_review',
  'close',
]);
const BLOCKED_BY_HOLD: ReadonlySet<CaseAction> = new Set([...PROGRESS_ACTIONS, 'merge_duplicate', 'place_hold']);

/**
 * Which open flags block which actions. A possible duplicate (or a second child
 * given the same NHS number) must be merged or dismissed before the panel
 * reviews the death: it would be counted twice. Flag types not listed block
 * nothing. Later rules add their types here. The serious case review criteria
 * are not a case flag: the scr-triggers module keeps its own and holds closing
 * back through a `CaseClosurePort` (README.md in this folder).
 */
export const FLAG_BLOCKS: Readonly<Record<string, readonly CaseAction[]>> = {
  POSSIBLE_DUPLICATE: ['schedule_for_panel', 'record_panel_review', 'close'],
  NHS_NUMBER_CONFLICT: ['schedule_for_panel', 'record_panel_review', 'close'],
};

/**
 * Flags that say two cases may be one death, so `merge_duplicate` can settle
 * them: a near miss by names and dates, or the same NHS number with other dates.
 */
export const MERGEABLE_FLAG_TYPES: readonly string[] = ['POSSIBLE_DUPLICATE', 'NHS_NUMBER_CONFLICT'];

/** Clocks an action satisfies when it leads into a status: met_at is set then. */
export const DEADLINES_MET_ON_ENTERING: Partial<Record<CaseStatus, readonly string[]>> = {
  child_death_review_meeting: ['agency_reporting_forms_due'],
  ready_for_panel: ['agency_reporting_forms_due'],
  reviewed: ['panel_review_target'],
};

/** Clocks an action starts: the action's time is the start event of the rules that start from it. */
export const CLOCKS_STARTED_BY_ACTION: Partial<Record<CaseAction, StartEvent>> = {
  request_information: 'forms_requested_at',
};

/** Fields each action takes beyond `action` (and `note`, which every action accepts). */
const ACTION_FIELDS = {
  request_information: { required: [], optional: [] },
  convene_review_meeting: { required: [], optional: [] },
  mark_ready_for_panel: { required: [], optional: [] },
  schedule_for_panel: { required: [], optional: [] },
  unschedule: { required: [], optional: ['reason'] },
  record_panel_review: { required: [], optional: [] },
  close: { required: [], optional: [] },
  reopen: { required: ['reason'], optional: [] },
  place_hold: { required: ['holdReason'], optional: ['reason'] },
  lift_hold: { required: [], optional: ['reason'] },
  dismiss_flag: { required: ['flagId', 'reason'], optional: [] },
  restore_flag: { required: ['flagId'], optional: ['reason'] },
  merge_duplicate: { required: ['flagId'], optional: ['targetCaseId', 'reason'] },
  unmerge: { required: ['reason'], optional: [] },
} as const satisfies Record<CaseAction, { required: readonly ActionField[]; optional: readonly ActionField[] }>;
type ActionField = 'reason' | 'holdReason' | 'flagId' | 'targetCaseId';

export interface CaseActionRequest {
  action: CaseAction;
  reason?: string;
  holdReason?: HoldReason;
  note?: string;
  flagId?: string;
  targetCaseId?: string;
}

/** The fields of a request that the action does not take or lacks, as `body.<field>` errors. */
export function actionFieldErrors(req: CaseActionRequest): { field: string; message: string }[] {
  const spec = ACTION_FIELDS[req.action];
  const takes = new Set<string>([...spec.required, ...spec.optional]);
  const errors: { field: string; message: string }[] = [];
  for (const f of spec.required) {
    if (req[f] === undefined) errors.push({ field: `body.${f}`, message: `is required for ${req.action}` });
  }
  for (const f of ['reason', 'holdReason', 'flagId', 'targetCaseId'] as const) {
    if (req[f] !== undefined && !takes.has(f)) errors.push({ field: `body.${f}`, message: `is not used by ${req.action}` });
  }
  return errors;
}

/**
 * Steps only the panel takes, each through its own endpoint, never through
 * `POST /v1/cases/{id}/actions`: a case is scheduled by adding it to a
 * meeting's agenda and taken off by removing it (the panel-meetings module),
 * and reviewed by the chair's sign-off at a quorate meeting (panel-reviews).
 * Those modules take them through `CasesForPanels.step`.
 */
export const PANEL_STEPS = ['schedule_for_panel', 'unschedule', 'record_panel_review'] as const satisfies readonly CaseAction[];
export type PanelStep = (typeof PANEL_STEPS)[number];
export const isPanelStep = (a: CaseAction): a is PanelStep => (PANEL_STEPS as readonly CaseAction[]).includes(a);

/** Where each panel step is taken instead, for the 409 of the generic endpoint. */
export const PANEL_STEP_ENDPOINTS: Record<PanelStep, string> = {
  schedule_for_panel: 'POST /v1/panel-meetings/{meetingId}/agenda',
  unschedule: 'DELETE /v1/panel-meetings/{meetingId}/agenda/{caseId}',
  record_panel_review: 'POST /v1/cases/{caseId}/review/sign-off',
};

/** What the workflow needs to know about a case. */
export interface CaseSnapshot {
  status: CaseStatus;
  holdReason: HoldReason | null;
  panelId: string | null;
  mergedIntoCaseId: string | null;
  /**
   * Open flags block; only `decidable` ones (default true) can be dismissed, restored or merged. A flag relating
   * this case to one the caller may not see is not theirs alone to decide.
   */
  flags: readonly { id: string; type: string; status: 'open' | 'dismissed' | 'resolved'; decidable?: boolean }[];
}

type ActionVerdict =
  | { ok: true }
  | { ok: false; code: 'CASE.ACTION_NOT_ALLOWED'; detail: string }
  | { ok: false; code: 'CASE.BLOCKED_BY_FLAG'; detail: string; flag: { id: string; type: string } };

/**
 * May this action be taken on the case now? Status table first, then the
 * case's own state (hold, queue, merge, flags present), then blocking flags.
 */
export function evaluateAction(c: CaseSnapshot, action: CaseAction): ActionVerdict {
  const notAllowed = (detail: string): ActionVerdict => ({ ok: false, code: 'CASE.ACTION_NOT_ALLOWED', detail });
  if (!(ALLOWED_ACTIONS_BY_STATUS[c.status] as readonly CaseAction[]).includes(action)) {
    return notAllowed(`${action} is not allowed while the case is ${c.status}.`);
  }
  if (c.holdReason && BLOCKED_BY_HOLD.has(action)) {
    return notAllowed(`The case is on hold (${c.holdReason}); lift the hold first.`);
  }
  if (c.panelId === null && (PROGRESS_ACTIONS.has(action) || action === 'place_hold' || action === 'lift_hold')) {
    return notAllowed('The case is in the unassigned queue; assign it to a panel first.');
  }
  const open = c.flags.filter((f) => f.status === 'open');
  const decidable = c.flags.filter((f) => f.decidable !== false);
  switch (action) {
    case 'lift_hold':
      if (!c.holdReason) return notAllowed('The case is not on hold.');
      break;
    case 'reopen':
      if (c.mergedIntoCaseId) return notAllowed('The case was merged into another as a duplicate; unmerge it instead.');
      break;
    case 'unmerge':
      if (!c.mergedIntoCaseId) return notAllowed('The case was not merged into another.');
      break;
    case 'dismiss_flag':
      if (!decidable.some((f) => f.status === 'open')) return notAllowed('The case has no open flag you can decide.');
      break;
    case 'restore_flag':
      if (!decidable.some((f) => f.status === 'dismissed')) return notAllowed('The case has no dismissed flag you can decide.');
      break;
    case 'merge_duplicate':
      if (!decidable.some((f) => f.status === 'open' && MERGEABLE_FLAG_TYPES.includes(f.type))) {
        return notAllowed(`The case has no open ${MERGEABLE_FLAG_TYPES.join(' or ')} flag you can decide.`);
      }
      break;
    default:
      break;
  }
  const blocking = open.find((f) => FLAG_BLOCKS[f.type]?.includes(action));
  if (blocking) {
    return {
      ok: false,
      code: 'CASE.BLOCKED_BY_FLAG',
      detail: `An open ${blocking.type} flag blocks ${action}; resolve or dismiss it first.`,
      flag: { id: blocking.id, type: blocking.type },
    };
  }
  return { ok: true };
}

/** The actions allowed on the case now, in the order of CASE_ACTIONS. */
export function allowedActions(c: CaseSnapshot): CaseAction[] {
  return CASE_ACTIONS.filter((a) => evaluateAction(c, a).ok);
}
