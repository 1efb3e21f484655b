import { ageAtDeath } from './age-at-death';
import { deadlineStatus, type DeadlineRule } from './clocks';
import { FLAG_BLOCKS, type CaseAction } from './case-workflow';
import type { CaseNotificationRow, CaseSafeguardingFlag, NotificationSummary } from './cases.ports';
import type { CaseListRow, CaseRow, DeadlineRow, FlagRow, HistoryRow, TransferRow } from './cases.repository';
import type {
  CaseDeadlineView,
  CaseFlagView,
  CaseHistoryEntry,
  CaseNotificationView,
  CaseSummary,
  CaseTransferView,
  CaseView,
  ChildIdentityView,
} from './cases.types';

/**
 * Rows to API objects. Anonymisation happens here and only here: `identify`
 * (from canIdentifyChild) decides whether the child's identity is included;
 * without it the names, NHS number, date of birth and address never leave
 * this module.
 */

function childIdentity(r: CaseRow, first?: NotificationSummary['firstChild']): ChildIdentityView {
  const child: ChildIdentityView = {
    nhsNumber: r.child_nhs_number,
    nhsNumberExceptionReason: r.child_nhs_exception,
    givenName: r.child_given_name,
    familyName: r.child_family_name,
    dateOfBirth: r.child_date_of_birth,
  };
  if (first) {
    const names = first.alternativeNames;
    if (Array.isArray(names)) {
      child.alternativeNames = (names as ({ givenName?: unknown; familyName?: unknown } | null)[])
        .filter(
          (n): n is { givenName: string; familyName: string } => typeof n?.givenName === 'string' && typeof n?.familyName === 'string',
        )
        .map((n) => ({ givenName: n.givenName, familyName: n.familyName }));
    }
    const a = first.address as { lines?: unknown; town?: unknown; postcode?: unknown } | null | undefined;
    if (a && Array.isArray(a.lines) && typeof a.postcode === 'string') {
      child.address = { lines: a.lines.filter((l): l is string => typeof l === 'string'), postcode: a.postcode };
      if (typeof a.town === 'string') child.address.town = a.town;
    }
  }
  return child;
}

function deadlineView(d: DeadlineRow, rules: readonly DeadlineRule[], caseClosed: boolean, now: Date): CaseDeadlineView {
  const status = d.met_at
    ? deadlineStatus({ dueAt: d.due_at }, now, d.met_at)
    : caseClosed
      ? 'stopped'
      : deadlineStatus({ dueAt: d.due_at }, now);
  return {
    ruleId: d.rule_id,
    label: rules.find((r) => r.id === d.rule_id)?.label ?? d.rule_id,
    startsFrom: d.starts_from,
    startedAt: d.started_at.toISOString(),
    dueAt: d.due_at.toISOString(),
    dueDate: d.due_date,
    metAt: d.met_at?.toISOString() ?? null,
    status,
  };
}

function flagView(f: FlagRow): CaseFlagView {
  return {
    id: f.id,
    type: f.type,
    status: f.status,
    ruleId: f.rule_id,
    ruleVersion: f.rule_version,
    evidence: f.evidence,
    relatedCaseId: f.other_case_id,
    raisedAt: f.raised_at.toISOString(),
    closedAt: f.closed_at?.toISOString() ?? null,
    blocks: [...(FLAG_BLOCKS[f.type] ?? [])],
  };
}

interface CaseDetail {
  row: CaseRow;
  flags: FlagRow[];
  deadlines: DeadlineRow[];
  notifications: NotificationSummary;
  allowedActions: CaseAction[];
  identify: boolean;
  /** The case's transfers, oldest first: its previous references. */
  transfers: TransferRow[];
  /** The SCR flags on the case (CaseSafeguardingPort). */
  safeguardingFlags: CaseSafeguardingFlag[];
}

export function caseView(d: CaseDetail, rules: readonly DeadlineRule[], now: Date): CaseView {
  const r = d.row;
  const deadlines = d.deadlines.map((x) => deadlineView(x, rules, r.status === 'closed', now));
  const view: CaseView = {
    id: r.id,
    reference: r.reference,
    panelId: r.panel_id,
    status: r.status,
    hold: r.hold_reason && r.held_since ? { reason: r.hold_reason, since: r.held_since.toISOString() } : null,
    mergedIntoCaseId: r.merged_into_case_id,
    dateOfDeath: r.date_of_death,
    ageAtDeath: ageAtDeath(r.child_date_of_birth, r.date_of_death, r.age_at_death_days),
    sex: r.child_sex,
    localAuthorityCode: r.local_authority_code,
    expectedDeath: r.expected_death,
    category: r.category,
    notifiedAt: r.notified_at.toISOString(),
    overdue: deadlines.some((x) => x.status === 'overdue'),
    deadlines,
    flags: d.flags.map(flagView),
    allowedActions: d.allowedActions,
    notificationCount: d.notifications.count,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    version: r.version,
    safeguardingFlags: d.safeguardingFlags,
    previousReferences: d.transfers.map((t) => ({
      reference: t.from_reference,
      panelId: t.from_panel_id,
      until: t.transferred_at.toISOString(),
    })),
  };
  if (d.identify) view.child = childIdentity(r, d.notifications.firstChild);
  return view;
}

export function caseSummaryView(r: CaseListRow, identify: boolean): CaseSummary {
  const view: CaseSummary = {
    id: r.id,
    reference: r.reference,
    panelId: r.panel_id,
    status: r.status,
    holdReason: r.hold_reason,
    mergedIntoCaseId: r.merged_into_case_id,
    dateOfDeath: r.date_of_death,
    ageAtDeath: ageAtDeath(r.child_date_of_birth, r.date_of_death, r.age_at_death_days),
    sex: r.child_sex,
    expectedDeath: r.expected_death,
    category: r.category,
    notifiedAt: r.notified_at.toISOString(),
    overdue: r.overdue,
    openFlags: r.open_flags,
    version: r.version,
  };
  if (identify) view.child = childIdentity(r);
  return view;
}

/**
 * What of an action's payload each reader gets. Ids, codes and what changed are
 * shown to anyone who may see the case; free text written by staff may name
 * people, so only readers who may identify the child get it. Keys not listed
 * (including any the intake adds later) are withheld until someone decides.
 */
const PAYLOAD_KEYS_FOR_ALL = new Set([
  'notificationId',
  'match',
  'holdReason',
  'flagId',
  'flagType',
  'targetCaseId',
  'sourceCaseId',
  'movedNotificationIds',
  'addedAgencyIds',
  'restoredStatus',
  'panelId',
  'reference',
  'changes',
  'metDeadlines',
  'startedDeadlines',
  'meetingId',
  'reviewId',
  'revision',
  'category',
  'categoryFrom',
  'fromPanelId',
  'toPanelId',
  'fromReference',
  'toReference',
]);
const PAYLOAD_FREE_TEXT = new Set(['reason', 'note']);

export function historyView(h: HistoryRow, identify: boolean): CaseHistoryEntry {
  const payload: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h.payload ?? {})) {
    if (PAYLOAD_KEYS_FOR_ALL.has(k) || (identify && PAYLOAD_FREE_TEXT.has(k))) payload[k] = v;
  }
  return {
    id: Number(h.id),
    action: h.action,
    fromStatus: h.from_status,
    toStatus: h.to_status,
    actor: { type: h.actor_type as CaseHistoryEntry['actor']['type'], id: h.actor_id },
    occurredAt: h.occurred_at.toISOString(),
    payload,
  };
}

/**
 * A transfer as the caller sees it. `direction` is seen from `panels` (the panel the list was filtered by, or all
 * the caller's panels); the reason, free text, only for coordinators of either panel.
 */
export function transferView(t: TransferRow, panels: readonly string[], withReason: boolean): CaseTransferView {
  const from = panels.includes(t.from_panel_id.toLowerCase());
  const to = panels.includes(t.to_panel_id.toLowerCase());
  const view: CaseTransferView = {
    id: t.id,
    caseId: t.case_id,
    from: { panelId: t.from_panel_id, reference: t.from_reference },
    to: { panelId: t.to_panel_id, reference: t.to_reference },
    direction: from && to ? 'within' : from ? 'out' : 'in',
    statusAtTransfer: t.status_at_transfer,
    transferredAt: t.transferred_at.toISOString(),
    transferredBy: { type: t.transferred_by_type as CaseTransferView['transferredBy']['type'], id: t.transferred_by_id },
  };
  if (withReason) view.reason = t.reason;
  return view;
}

export function notificationView(n: CaseNotificationRow, withForm: boolean): CaseNotificationView {
  const view: CaseNotificationView = {
    id: n.id,
    notifierAgency: { id: n.notifier_agency_id, name: n.agency_name, type: n.agency_type },
    notifiedOn: n.notified_on,
    receivedAt: n.received_at.toISOString(),
    match: n.match,
  };
  if (withForm && n.payload) view.form = n.payload;
  return view;
}
