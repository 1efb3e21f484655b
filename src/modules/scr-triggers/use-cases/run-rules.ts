import { audit } from '../../../audit';
import type { Tx } from '../../../platform/db/transaction';
import { londonDateOf } from '../../../platform/time';
import type { CaseChange, CaseChangeContext, CaseChangeListener } from '../../cases';
import { dueOn } from '../flag-clocks';
import { evaluateRules, reconcile, type FlagDecision } from '../reconcile';
import { DEFAULT_REGIME, SCR_RULES, type ScrRule } from '../rules';
import * as repo from '../scr-triggers.repository';

/**
 * The SCR triggers as a case-change listener (src/modules/cases/case-changes.ts): after every change that can
 * affect them (a notification, a form submitted or closed, the panel's analysis, a correction, a merge), inside the
 * transaction of that change, the rules run over the case and their findings are reconciled with the case's flags
 * (reconcile.ts). A committed change can therefore never lack its flag, and re-running raises nothing twice.
 *
 * Cost (README, "Cost"): one statement reads the case, its flags and the regime; a change that raises or extends
 * flags writes them in one more, whatever their number; audit events are written with the transaction's others.
 */
export function scrTriggersListener(rules: readonly ScrRule[] = SCR_RULES): CaseChangeListener {
  return {
    name: 'scr-triggers',
    async onCaseChange(tx, change, context) {
      await runRules(tx, change, context, rules);
    },
  };
}

async function runRules(tx: Tx, change: CaseChange, ctx: CaseChangeContext, rules: readonly ScrRule[]): Promise<FlagDecision[]> {
  const inputs = await repo.ruleInputsOf(tx, ctx.caseId, ctx.panelId);
  const findings = evaluateRules(
    { caseId: ctx.caseId, category: ctx.category, notifications: inputs.notifications, forms: inputs.forms, analysis: inputs.analysis },
    rules,
  );
  if (!findings.length) return [];
  const decisions = reconcile(findings, inputs.flags);
  if (!decisions.length) return decisions;
  // A case in the unassigned queue, or a panel that chose none, follows the current regime.
  const regime = inputs.regime ?? DEFAULT_REGIME;
  // By default the responsible body became aware when the evidence that fired the rule was committed: now.
  const awareOn = londonDateOf(ctx.at);
  const raise: repo.FlagToRaise[] = [];
  const add: repo.EvidenceToAdd[] = [];
  for (const d of decisions) {
    if (d.kind === 'raise') {
      const outcome = d.rule.outcomes[regime];
      raise.push({
        rule_id: d.rule.id,
        rule_version: d.rule.version,
        regime,
        kind: outcome.kind,
        title: d.rule.title,
        basis: d.rule.basis,
        opens: outcome.opens,
        evidence: d.evidence,
        aware_on: awareOn,
        clocks: outcome.clocks.map((c) => ({
          clock_id: c.id,
          label: c.label,
          basis: c.basis,
          working_days: c.workingDays,
          due_on: dueOn(awareOn, c),
        })),
        details: {
          caseId: ctx.caseId,
          ruleId: d.rule.id,
          ruleVersion: d.rule.version,
          regime,
          kind: outcome.kind,
          change: change.kind,
          evidence: d.evidence.length,
        },
      });
    } else {
      add.push({
        flag_id: d.flagId,
        evidence: d.evidence,
        details: { caseId: ctx.caseId, ruleId: d.rule.id, change: change.kind, evidence: d.evidence.length },
      });
    }
  }
  const raised = await repo.writeRuleDecisions(tx, {
    caseId: ctx.caseId,
    at: ctx.at,
    change: change.kind,
    by: { type: ctx.actor.kind, id: ctx.actor.id },
    raise,
    add,
  });
  for (const f of raised) {
    const { evidence: _count, ...details } = raise.find((r) => r.rule_id === f.rule_id)!.details;
    await audit(tx, { action: 'safeguarding_flag.raised', resourceType: 'safeguarding_flag', resourceId: f.id, details });
  }
  for (const a of add) {
    await audit(tx, {
      action: 'safeguarding_flag.evidence_added',
      resourceType: 'safeguarding_flag',
      resourceId: a.flag_id,
      details: a.details,
    });
  }
  return decisions;
}
