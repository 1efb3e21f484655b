import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import { toPage, type Page } from '../../../platform/http/pagination';
import { transferPanelsOf } from '../case-scope';
import * as cases from '../cases.repository';
import type { CaseTransferListQuery, CaseTransferView } from '../cases.types';
import { transferView } from '../cases.view';
import { badCursor, runCaseCommand, UUID, type CasesDeps } from './case-command';

/**
 * GET /v1/case-transfers: transfers into and out of the caller's panels, newest first. The sending panel's record of
 * what it sent after the case has left its scope; the reason only for CDOP coordinators (of either panel, as the
 * scope holds every transfer listed to one of theirs).
 */
export function listTransfers(
  deps: CasesDeps,
  p: Principal,
  q: CaseTransferListQuery & { after?: (string | number)[] },
): Promise<Page<CaseTransferView>> {
  return runCaseCommand(deps, 'case.transfer.list', undefined, async (tx) => {
    const limit = q.limit ?? 25;
    const after = q.after;
    if (
      after &&
      !(typeof after[0] === 'string' && !Number.isNaN(Date.parse(after[0])) && typeof after[1] === 'string' && UUID.test(after[1]))
    ) {
      throw badCursor();
    }
    const mine = transferPanelsOf(p);
    // Another panel's id narrows to nothing, as the case list's panelId does.
    const panels = q.panelId ? mine.filter((id) => id === q.panelId!.toLowerCase()) : mine;
    const rows = panels.length
      ? await cases.listTransfers(tx, p, { panelIds: panels, direction: q.direction, reference: q.reference, after, limit })
      : [];
    const withReason = p.roles.includes('cdop_coordinator');
    const page = toPage(
      rows,
      limit,
      (r) => [r.transferred_at.toISOString(), r.id],
      (r) => transferView(r, panels, withReason),
    );
    await audit(tx, {
      action: 'case.transfer.list',
      resourceType: 'case',
      details: {
        returned: page.items.length,
        filters: Object.keys(q)
          .filter((k) => k !== 'after' && q[k as keyof typeof q] !== undefined)
          .sort(),
      },
    });
    return page;
  });
}
