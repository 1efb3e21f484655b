import type { Principal } from '../../../access/principal';
import { audit } from '../../../audit';
import type { CaseView } from '../cases.types';
import { caseEvent, loadCaseView, runCaseCommand, type CasesDeps } from './case-command';

/** GET /v1/cases/{caseId}: the case, anonymised unless the caller may identify the child; the read is audited. */
export function getCase(deps: CasesDeps, p: Principal, id: string): Promise<CaseView> {
  return runCaseCommand(deps, 'case.read', id, async (tx) => {
    const view = await loadCaseView(deps, tx, p, id, deps.now());
    await audit(tx, caseEvent(id, { action: 'case.read', details: { identifiable: Boolean(view.child) } }));
    return view;
  });
}
