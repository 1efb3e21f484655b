import { audit } from '../../../audit';
import { toPage, type Page } from '../../../platform/http/pagination';
import type { FlagKind } from '../rules';
import type { SafeguardingFlagStatus } from '../entities';
import { flagNotFound } from '../scr-triggers.errors';
import * as repo from '../scr-triggers.repository';
import type { SafeguardingFlagView } from '../scr-triggers.types';
import { flagView } from '../scr-triggers.view';
import { flagEvent, runFlagCommand, todayOf, type Principal, type ScrTriggersDeps } from './deps';

export interface FlagListQuery {
  kind?: FlagKind;
  status?: SafeguardingFlagStatus;
  panelId?: string;
  caseId?: string;
  ruleId?: string;
  overdue?: boolean;
  after?: (string | number)[];
  limit: number;
}

/** GET /v1/flags: the flags on the cases the caller may see, newest first; audited with the cases listed. */
export function listFlags(deps: ScrTriggersDeps, p: Principal, q: FlagListQuery): Promise<Page<SafeguardingFlagView>> {
  return runFlagCommand(deps, 'safeguarding_flags.list', { type: 'safeguarding_flag' }, async (tx) => {
    const today = todayOf(deps);
    const rows = await repo.listFlags(tx, p, {
      kind: q.kind,
      status: q.status,
      panelId: q.panelId,
      caseId: q.caseId,
      ruleId: q.ruleId,
      overdue: q.overdue === undefined ? undefined : { is: q.overdue, today },
      after: q.after ? { raisedKey: String(q.after[0]), id: String(q.after[1]) } : undefined,
      limit: q.limit,
    });
    const page = rows.slice(0, q.limit);
    const clocks = await repo.clocksOf(
      tx,
      page.map((r) => r.id),
    );
    await audit(tx, {
      action: 'safeguarding_flags.list',
      resourceType: 'safeguarding_flag',
      details: { count: page.length, caseIds: [...new Set(page.map((r) => r.case_id))] },
    });
    return toPage(
      rows,
      q.limit,
      (r) => [r.raised_key, r.id],
      (r) => flagView(p, r, clocks, today),
    );
  });
}

/** GET /v1/flags/{flagId}: one flag with its clocks and history; audited. */
export function getFlag(deps: ScrTriggersDeps, p: Principal, flagId: string): Promise<SafeguardingFlagView> {
  return runFlagCommand(deps, 'safeguarding_flag.read', { type: 'safeguarding_flag', id: flagId }, async (tx) => {
    const row = await repo.findFlag(tx, p, flagId);
    if (!row) throw flagNotFound();
    const [clocks, history] = [await repo.clocksOf(tx, [row.id]), await repo.eventsOf(tx, row.id)];
    await audit(tx, flagEvent(row.id, { action: 'safeguarding_flag.read', details: { caseId: row.case_id } }));
    return flagView(p, row, clocks, todayOf(deps), history);
  });
}
