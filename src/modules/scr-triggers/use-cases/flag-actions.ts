import { audit } from '../../../audit';
import type { FieldError } from '../../../platform/http/problem';
import { dueOn } from '../flag-clocks';
import { actionRefusal, allowedFlagActions, dateError, type FlagAction } from '../flag-rules';
import { caseNotOnPanel, flagActionNotAllowed, flagInvalid, flagNotFound } from '../scr-triggers.errors';
import * as repo from '../scr-triggers.repository';
import type { FlagAwarenessCorrection, FlagNotificationSent, FlagReason, FlagReferral, SafeguardingFlagView } from '../scr-triggers.types';
import { flagView } from '../scr-triggers.view';
import { actorOf, flagEvent, runFlagCommand, todayOf, type Principal, type ScrTriggersDeps, type Tx } from './deps';

/**
 * The decisions on a flag, one transaction each (README, "Flags"): the flag is locked, the action checked against
 * its status (flag-rules.ts), the change written with an entry in the flag's history, audited (never the reason),
 * and the flag answered as it is now. The permission is checked on the operation (x-permission); the case's scope by
 * finding the flag (404 outside it).
 */

async function lockForAction(deps: ScrTriggersDeps, tx: Tx, p: Principal, flagId: string, action: FlagAction) {
  const row = await repo.findFlag(tx, p, flagId, { lock: true });
  if (!row) throw flagNotFound();
  const clocks = await repo.clocksOf(tx, [row.id]);
  const refusal = actionRefusal(action, { status: row.status, clocks });
  if (refusal) throw flagActionNotAllowed(refusal, allowedFlagActions(p, { status: row.status, clocks }));
  return { row, clocks };
}

async function answer(deps: ScrTriggersDeps, tx: Tx, p: Principal, flagId: string): Promise<SafeguardingFlagView> {
  const row = (await repo.findFlag(tx, p, flagId))!;
  return flagView(p, row, await repo.clocksOf(tx, [row.id]), todayOf(deps), await repo.eventsOf(tx, row.id));
}

/** POST /v1/flags/{flagId}/acknowledge: a coordinator has seen the flag. */
export function acknowledgeFlag(deps: ScrTriggersDeps, p: Principal, flagId: string): Promise<SafeguardingFlagView> {
  return runFlagCommand(deps, 'safeguarding_flag.acknowledged', { type: 'safeguarding_flag', id: flagId }, async (tx) => {
    const { row } = await lockForAction(deps, tx, p, flagId, 'acknowledge');
    const at = deps.now();
    await repo.setStatus(tx, row.id, 'acknowledged', { at, by: p.id });
    await repo.insertEvent(tx, { flagId: row.id, action: 'acknowledged', at, by: actorOf(p) });
    await audit(tx, flagEvent(row.id, { action: 'safeguarding_flag.acknowledged', details: { caseId: row.case_id } }));
    return answer(deps, tx, p, row.id);
  });
}

/** POST /v1/flags/{flagId}/refer: opens a safeguarding review referral (the safeguarding-reviews module) under the flag's regime. */
export function referFlag(deps: ScrTriggersDeps, p: Principal, flagId: string, body: FlagReferral): Promise<SafeguardingFlagView> {
  return runFlagCommand(deps, 'safeguarding_flag.referred', { type: 'safeguarding_flag', id: flagId }, async (tx) => {
    const { row } = await lockForAction(deps, tx, p, flagId, 'refer');
    if (!row.panel_id) throw caseNotOnPanel();
    const at = deps.now();
    const { reviewId } = await deps.referrals.open(
      tx,
      p,
      {
        caseId: row.case_id,
        panelId: row.panel_id,
        regime: row.regime,
        flagIds: [row.id],
        ruleIds: [row.rule_id],
        awareOn: row.aware_on,
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
      },
      at,
    );
    await repo.setStatus(tx, row.id, 'referred', { at, by: p.id, reviewId });
    await repo.insertEvent(tx, { flagId: row.id, action: 'referred', at, by: actorOf(p), details: { reviewId }, reason: body.reason });
    await audit(tx, flagEvent(row.id, { action: 'safeguarding_flag.referred', details: { caseId: row.case_id, reviewId } }));
    return answer(deps, tx, p, row.id);
  });
}

/** POST /v1/flags/{flagId}/dismiss: the chair dismisses the flag with a reason; its clocks stop. */
export function dismissFlag(deps: ScrTriggersDeps, p: Principal, flagId: string, body: FlagReason): Promise<SafeguardingFlagView> {
  const errors = reasonErrors('body.reason', body.reason);
  if (errors.length) throw flagInvalid(errors);
  return runFlagCommand(deps, 'safeguarding_flag.dismissed', { type: 'safeguarding_flag', id: flagId }, async (tx) => {
    const { row } = await lockForAction(deps, tx, p, flagId, 'dismiss');
    const at = deps.now();
    await repo.setStatus(tx, row.id, 'dismissed', { at, by: p.id, reason: body.reason });
    await repo.stopClocks(tx, row.id, at);
    await repo.insertEvent(tx, { flagId: row.id, action: 'dismissed', at, by: actorOf(p), reason: body.reason });
    await audit(tx, flagEvent(row.id, { action: 'safeguarding_flag.dismissed', details: { caseId: row.case_id, ruleId: row.rule_id } }));
    return answer(deps, tx, p, row.id);
  });
}

/** PUT /v1/flags/{flagId}/awareness: the day the responsible body became aware, corrected; running clocks move with it. */
export function correctAwareness(
  deps: ScrTriggersDeps,
  p: Principal,
  flagId: string,
  body: FlagAwarenessCorrection,
): Promise<SafeguardingFlagView> {
  const today = todayOf(deps);
  const errors = [...reasonErrors('body.reason', body.reason), dateError('body.awareOn', body.awareOn, today)].filter(isError);
  if (errors.length) throw flagInvalid(errors);
  return runFlagCommand(deps, 'safeguarding_flag.awareness_corrected', { type: 'safeguarding_flag', id: flagId }, async (tx) => {
    const { row, clocks } = await lockForAction(deps, tx, p, flagId, 'correct_awareness');
    const at = deps.now();
    await repo.setAwareness(tx, row.id, body.awareOn);
    const moved: { clockId: string; from: string; to: string }[] = [];
    for (const c of clocks.filter((k) => k.status === 'running')) {
      const to = dueOn(body.awareOn, { workingDays: c.working_days });
      await repo.setClockDue(tx, row.id, c.clock_id, to);
      moved.push({ clockId: c.clock_id, from: c.due_on, to });
    }
    const details = { from: row.aware_on, to: body.awareOn, clocks: moved };
    await repo.insertEvent(tx, { flagId: row.id, action: 'awareness_corrected', at, by: actorOf(p), details, reason: body.reason });
    await audit(tx, flagEvent(row.id, { action: 'safeguarding_flag.awareness_corrected', details: { caseId: row.case_id, ...details } }));
    return answer(deps, tx, p, row.id);
  });
}

/** POST /v1/flags/{flagId}/notifications: a statutory notification was sent; it meets the named running clocks. */
export function recordNotification(
  deps: ScrTriggersDeps,
  p: Principal,
  flagId: string,
  body: FlagNotificationSent,
): Promise<SafeguardingFlagView> {
  const today = todayOf(deps);
  const future = dateError('body.sentOn', body.sentOn, today);
  if (future) throw flagInvalid([future]);
  return runFlagCommand(deps, 'safeguarding_flag.notification_recorded', { type: 'safeguarding_flag', id: flagId }, async (tx) => {
    const { row, clocks } = await lockForAction(deps, tx, p, flagId, 'record_notification');
    const running = clocks.filter((c) => c.status === 'running').map((c) => c.clock_id);
    const errors: FieldError[] = [];
    const early = dateError('body.sentOn', body.sentOn, today, { date: row.aware_on, what: 'the awareness date' });
    if (early) errors.push(early);
    (body.clockIds ?? []).forEach((id, i) => {
      if (!running.includes(id))
        errors.push({ field: `body.clockIds[${i}]`, message: `is not a running clock of this flag (running: ${running.join(', ')})` });
    });
    if (errors.length) throw flagInvalid(errors);
    const met = body.clockIds ?? running;
    const at = deps.now();
    await repo.meetClocks(tx, row.id, met, body.sentOn);
    const details = { clocks: met, sentOn: body.sentOn };
    await repo.insertEvent(tx, { flagId: row.id, action: 'notification_recorded', at, by: actorOf(p), details });
    await audit(tx, flagEvent(row.id, { action: 'safeguarding_flag.notification_recorded', details: { caseId: row.case_id, ...details } }));
    return answer(deps, tx, p, row.id);
  });
}

const isError = <T>(e: T | null): e is T => e !== null;

/** A reason must say something (the contract bounds its length). */
function reasonErrors(field: string, reason: string): FieldError[] {
  return reason.trim() ? [] : [{ field, message: 'must not be blank' }];
}
