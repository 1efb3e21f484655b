import { evidenceKey, type EvidenceItem, type RuleFinding, type ScrRule } from './rules';
import type { CaseSnapshot } from './snapshot';

/**
 * What running the rules over a case means for its flags, as a pure decision (README, "Rules and decisions"):
 * - a rule that fires with no live flag raises one, unless every piece of its evidence was already weighed in a flag
 *   the chair dismissed (dismissal is a decision about that evidence: new evidence raises a new flag);
 * - a rule that fires while its flag is live adds the evidence the flag does not have yet (one live flag per case and
 *   rule);
 * - a rule that no longer fires changes nothing: a flag stays until the chair dismisses it or it is referred.
 */

export interface ExistingFlag {
  id: string;
  ruleId: string;
  status: 'open' | 'acknowledged' | 'referred' | 'dismissed';
  evidence: readonly EvidenceItem[];
}

export type FlagDecision =
  | { kind: 'raise'; rule: ScrRule; evidence: readonly EvidenceItem[] }
  | { kind: 'add_evidence'; rule: ScrRule; flagId: string; evidence: readonly EvidenceItem[] };

const isLive = (status: ExistingFlag['status']) => status !== 'dismissed';

export function evaluateRules(snapshot: CaseSnapshot, rules: readonly ScrRule[]): { rule: ScrRule; finding: RuleFinding }[] {
  const out: { rule: ScrRule; finding: RuleFinding }[] = [];
  for (const rule of rules) {
    const finding = rule.evaluate(snapshot);
    if (finding) out.push({ rule, finding: { evidence: distinct(finding.evidence) } });
  }
  return out;
}

export function reconcile(findings: readonly { rule: ScrRule; finding: RuleFinding }[], flags: readonly ExistingFlag[]): FlagDecision[] {
  const decisions: FlagDecision[] = [];
  for (const { rule, finding } of findings) {
    const ofRule = flags.filter((f) => f.ruleId === rule.id);
    const live = ofRule.find((f) => isLive(f.status));
    if (live) {
      const known = new Set(live.evidence.map(evidenceKey));
      const fresh = finding.evidence.filter((e) => !known.has(evidenceKey(e)));
      if (fresh.length) decisions.push({ kind: 'add_evidence', rule, flagId: live.id, evidence: fresh });
      continue;
    }
    const weighed = new Set(ofRule.flatMap((f) => f.evidence.map(evidenceKey)));
    if (finding.evidence.some((e) => !weighed.has(evidenceKey(e)))) decisions.push({ kind: 'raise', rule, evidence: finding.evidence });
  }
  return decisions;
}

function distinct(items: readonly EvidenceItem[]): EvidenceItem[] {
  const seen = new Set<string>();
  return items.filter((e) => {
    const k = evidenceKey(e);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
