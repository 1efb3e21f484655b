import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import { toPage, type Page } from '../../../platform/http/pagination';
import { badRequest } from '../../../platform/http/problem';
import { canIdentifyChild } from '../case-scope';
import * as cases from '../cases.repository';
import type { CaseListQuery, CaseSummary } from '../cases.types';
import { caseSummaryView } from '../cases.view';
import { badCursor, isCalendarDate, runCaseCommand, UUID, type CasesDeps } from './case-command';

/** GET /v1/cases: the caller's cases, newest death first, filtered; identity only where the caller may see it. */
export function listCases(deps: CasesDeps, p: Principal, q: CaseListQuery & { after?: (string | number)[] }): Promise<Page<CaseSummary>> {
  return runCaseCommand(deps, 'case.list', undefined, async (tx) => {
    const at = deps.now();
    const limit = q.limit ?? 25;
    if (
      q.after &&
      !(typeof q.after[0] === 'string' && isCalendarDate(q.after[0]) && typeof q.after[1] === 'string' && UUID.test(q.after[1]))
    ) {
      throw badCursor();
    }
    // The contract's date format admits 2026-02-31; PostgreSQL would refuse it with a 500.
    const badDates = (['dateOfDeathFrom', 'dateOfDeathTo'] as const).filter((k) => q[k] !== undefined && !isCalendarDate(q[k]));
    if (badDates.length) {
      throw badRequest(
        'Not a calendar date.',
        badDates.map((k) => ({ field: `query.${k}`, message: 'must be a calendar date (YYYY-MM-DD)' })),
      );
    }
    const rows = await cases.listCases(tx, p, {
      statuses: q.status,
      panelId: q.panelId,
      unassigned: q.unassigned,
      overdue: q.overdue,
      flagged: q.flagged,
      flagType: q.flagType,
      dateOfDeathFrom: q.dateOfDeathFrom,
      dateOfDeathTo: q.dateOfDeathTo,
      category: q.category,
      reference: q.reference,
      after: q.after,
      limit,
      now: at,
    });
    const page = toPage(
      rows,
      limit,
      (r) => [r.date_of_death, r.id],
      (r) => caseSummaryView(r, canIdentifyChild(p, { panelId: r.panel_id })),
    );
    await audit(tx, {
      action: 'case.list',
      resourceType: 'case',
      details: {
        returned: page.items.length,
        identifiable: page.items.filter((c) => c.child).length,
        filters: Object.keys(q)
          .filter((k) => k !== 'after' && q[k as keyof typeof q] !== undefined)
          .sort(),
      },
    });
    return page;
  });
}
