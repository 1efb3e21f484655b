import type { Principal } from '../../access/principal';
import type { LocalDate } from '../../platform/time';
import { canIdentifyChild } from '../cases';
import type { SafeguardingFlagClockEntity, SafeguardingFlagEventEntity } from './entities';
import { clockState } from './flag-clocks';
import { allowedFlagActions } from './flag-rules';
import type { FlagRow } from './scr-triggers.repository';
import type { FlagClockView, FlagEventView, SafeguardingFlagView } from './scr-triggers.types';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function clockView(c: SafeguardingFlagClockEntity, today: LocalDate): FlagClockView {
  const status = clockState(c, today);
  return {
    clockId: c.clock_id,
    label: c.label,
    basis: c.basis,
    workingDays: c.working_days,
    dueOn: c.due_on,
    status,
    overdue: status === 'overdue',
    metOn: c.met_on,
  };
}

/** Reasons are free text: the case's coordinators and the chairs read them; members see that a decision was made. */
const readsReasons = (p: Principal, f: FlagRow) => canIdentifyChild(p, { panelId: f.panel_id }) || p.roles.includes('panel_chair');

function eventView(e: SafeguardingFlagEventEntity, withReason: boolean): FlagEventView {
  return {
    action: e.action,
    at: e.at.toISOString(),
    actor: { type: e.actor_type, id: e.actor_id },
    details: e.details,
    ...(withReason && e.reason !== null ? { reason: e.reason } : {}),
  };
}

export function flagView(
  p: Principal,
  f: FlagRow,
  allClocks: readonly SafeguardingFlagClockEntity[],
  today: LocalDate,
  history?: readonly SafeguardingFlagEventEntity[],
): SafeguardingFlagView {
  const clocks = allClocks.filter((c) => c.flag_id === f.id);
  const clockViews = clocks.map((c) => clockView(c, today));
  return {
    id: f.id,
    caseId: f.case_id,
    caseReference: f.case_reference,
    panelId: f.panel_id,
    ruleId: f.rule_id,
    ruleVersion: f.rule_version,
    title: f.title,
    basis: f.basis,
    regime: f.regime,
    kind: f.kind,
    opens: f.opens,
    status: f.status,
    awareOn: f.aware_on,
    awareCorrected: f.aware_corrected,
    raisedAt: f.raised_at.toISOString(),
    raisedByChange: f.raised_by_change,
    evidence: f.evidence,
    clocks: clockViews,
    overdue: clockViews.some((c) => c.overdue),
    acknowledgedAt: iso(f.acknowledged_at),
    referredAt: iso(f.referred_at),
    reviewId: f.review_id,
    dismissedAt: iso(f.dismissed_at),
    allowedActions: allowedFlagActions(p, { status: f.status, clocks }),
    ...(history ? { history: history.map((e) => eventView(e, readsReasons(p, f))) } : {}),
  };
}
