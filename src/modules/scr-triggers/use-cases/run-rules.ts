import { audit } from '../../../audit';
import type { Tx } from '../../../platform/db/transaction';
import { londonDateOf } from '../../../platform/time';
import { submittedAnswersOfCase } from '../../agency-forms';
import type { CaseChange, CaseChangeContext, CaseChangeListener } from '../../cases';
import { notificationsOfCaseForRules } from '../../notifications';
import { analysisForRules } from '../../panel-reviews';
import { dueOn } from '../flag-clocks';
import { evaluateRules, reconcile, type FlagDecision } from '../reconcile';
import { DEFAULT_REGIME, SCR_RULES, type Regime, type ScrRule } from '../rules';
import * as repo from '../scr-triggers.repository';
import type { CaseSnapshot } from '../snapshot';

/**
 * The SCR triggers as a case-change listener (src/modules/cases/case-changes.ts): after every change that can
 * affect them (a notification, a form submitted or closed, the panel's analysis, a correction, a merge), inside the
 * transaction of that change, the rules run over the case and their findings are reconciled with the case's flags
 * (reconcile.ts). A committed change can therefore never lack its flag, and re-running raises nothing twice.
 */
export function scrTriggersListener(rules: readonly ScrRule[] = SCR_RULES): CaseChangeListener {
  return {
    name: 'scr-triggers',
    async onCaseChange(tx, change, context) {
      await runRules(tx, change, context, rules);
    },
  };
}

export async function runRules(tx: Tx, change: CaseChange, ctx: CaseChangeContext, rules: readonly ScrRule[]): Promise<FlagDecision[]> {
  const findings = evaluateRules(await snapshotOf(tx, ctx), rules);
  if (!findings.length) return [];
  const decisions = reconcile(
    findings,
    (await repo.flagsOfCase(tx, ctx.caseId)).map((f) => ({ id: f.id, ruleId: f.rule_id, status: f.status, evidence: f.evidence })),
  );
  if (!decisions.length) return decisions;
  const regime = await regimeOfPanel(tx, ctx.panelId);
  const by = { type: ctx.actor.kind, id: ctx.actor.id };
  for (const d of decisions) {
    if (d.kind === 'raise') {
      const outcome = d.rule.outcomes[regime];
      // By default the responsible body became aware when the evidence that fired the rule was committed: now.
      const awareOn = londonDateOf(ctx.at);
      const flagId = await repo.insertFlag(tx, {
        case_id: ctx.caseId,
        rule_id: d.rule.id,
        rule_version: d.rule.version,
        regime,
        kind: outcome.kind,
        title: d.rule.title,
        basis: d.rule.basis,
        opens: outcome.opens,
        evidence: d.evidence,
        aware_on: awareOn,
        raised_at: ctx.at,
        raised_by_change: change.kind,
      });
      await repo.insertClocks(
        tx,
        flagId,
        outcome.clocks.map((c) => ({
          clock_id: c.id,
          label: c.label,
          basis: c.basis,
          working_days: c.workingDays,
          due_on: dueOn(awareOn, c),
        })),
      );
      const details = {
        caseId: ctx.caseId,
        ruleId: d.rule.id,
        ruleVersion: d.rule.version,
        regime,
        kind: outcome.kind,
        change: change.kind,
      };
      await repo.insertEvent(tx, { flagId, action: 'raised', at: ctx.at, by, details: { ...details, evidence: d.evidence.length } });
      await audit(tx, { action: 'safeguarding_flag.raised', resourceType: 'safeguarding_flag', resourceId: flagId, details });
    } else {
      await repo.appendEvidence(tx, d.flagId, d.evidence);
      const details = { caseId: ctx.caseId, ruleId: d.rule.id, change: change.kind, evidence: d.evidence.length };
      await repo.insertEvent(tx, { flagId: d.flagId, action: 'evidence_added', at: ctx.at, by, details });
      await audit(tx, { action: 'safeguarding_flag.evidence_added', resourceType: 'safeguarding_flag', resourceId: d.flagId, details });
    }
  }
  return decisions;
}

/** The regime the case's panel follows; a case in the unassigned queue is judged by the default (the current one). */
export async function regimeOfPanel(tx: Tx, panelId: string | null): Promise<Regime> {
  return (panelId ? (await repo.regimeOf(tx, panelId))?.regime : undefined) ?? DEFAULT_REGIME;
}

async function snapshotOf(tx: Tx, ctx: CaseChangeContext): Promise<CaseSnapshot> {
  const [notifications, forms, analysis] = [
    await notificationsOfCaseForRules(tx, ctx.caseId),
    await submittedAnswersOfCase(tx, ctx.caseId),
    await analysisForRules(tx, ctx.caseId),
  ];
  return { caseId: ctx.caseId, category: ctx.category, notifications, forms, analysis: analysis ?? null };
}
