import { dueOn, clockState } from '../../../src/modules/scr-triggers/flag-clocks';
import { actionRefusal, allowedFlagActions } from '../../../src/modules/scr-triggers/flag-rules';
import { evaluateRules, reconcile, type ExistingFlag } from '../../../src/modules/scr-triggers/reconcile';
import { abuseOrNeglectDeath, interAgencyConcern, type EvidenceItem } from '../../../src/modules/scr-triggers/rules';
import type { CaseSnapshot } from '../../../src/modules/scr-triggers/snapshot';
import { principal } from '../../support/principals';

const caseId = '00000000-0000-4000-8000-0000000000ca';
const req = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const abuseForm = (n: number, revision = 1) => ({
  requestId: req(n),
  templateId: 'reporting',
  templateVersion: 1,
  revision,
  answers: { safeguarding: { abuseOrNeglectSuspected: 'yes' } },
});
const snap = (forms: CaseSnapshot['forms']): CaseSnapshot => ({ caseId, category: null, notifications: [], forms, analysis: null });
const evidenceOf = (n: number): EvidenceItem => ({
  source: 'form',
  recordId: req(n),
  templateId: 'reporting',
  revision: 1,
  field: '/safeguarding/abuseOrNeglectSuspected',
  answer: 'yes',
});
const flag = (status: ExistingFlag['status'], evidence: EvidenceItem[], id = 'f1'): ExistingFlag => ({
  id,
  ruleId: abuseOrNeglectDeath.id,
  status,
  evidence,
});
const decide = (forms: CaseSnapshot['forms'], flags: ExistingFlag[]) =>
  reconcile(evaluateRules(snap(forms), [abuseOrNeglectDeath, interAgencyConcern]), flags).map((d) => ({
    kind: d.kind,
    rule: d.rule.id,
    evidence: d.evidence.map((e) => e.recordId),
    ...(d.kind === 'add_evidence' ? { flagId: d.flagId } : {}),
  }));

describe('reconciling findings with a case’s flags', () => {
  it('when a rule fires with no flag, then it raises one with all its evidence', () => {
    expect(decide([abuseForm(1)], [])).toEqual([{ kind: 'raise', rule: 'abuse_or_neglect_death', evidence: [req(1)] }]);
  });

  it('when the rules run again over the same evidence, then nothing happens (idempotent)', () => {
    expect(decide([abuseForm(1)], [flag('open', [evidenceOf(1)])])).toEqual([]);
  });

  it('when a form is amended with the same answer (a new revision), then it is the same evidence', () => {
    expect(decide([abuseForm(1, 2)], [flag('acknowledged', [evidenceOf(1)])])).toEqual([]);
  });

  it('when a live flag exists and new evidence arrives, then the evidence is added to it, not a second flag', () => {
    expect(decide([abuseForm(1), abuseForm(2)], [flag('referred', [evidenceOf(1)])])).toEqual([
      { kind: 'add_evidence', rule: 'abuse_or_neglect_death', evidence: [req(2)], flagId: 'f1' },
    ]);
  });

  it('when the chair dismissed the flag, then the same evidence raises nothing new, and new evidence raises a new flag', () => {
    expect(decide([abuseForm(1)], [flag('dismissed', [evidenceOf(1)])])).toEqual([]);
    expect(decide([abuseForm(1), abuseForm(2)], [flag('dismissed', [evidenceOf(1)])])).toEqual([
      { kind: 'raise', rule: 'abuse_or_neglect_death', evidence: [req(1), req(2)] },
    ]);
  });

  it('when later evidence withdraws the suspicion, then the flag is left as it is (only the chair dismisses)', () => {
    const withdrawn = { ...abuseForm(1, 2), answers: { safeguarding: { abuseOrNeglectSuspected: 'no' } } };
    expect(decide([withdrawn], [flag('open', [evidenceOf(1)])])).toEqual([]);
  });
});

describe('a flag’s clocks', () => {
  it('when the responsible body became aware just before Christmas, then 5 working days skip the weekend and both bank holidays', () => {
    // 2026: Christmas Day is a Friday, Boxing Day a Saturday (substitute Monday 28th).
    expect(dueOn('2026-12-21', { workingDays: 5 })).toBe('2026-12-30');
    expect(dueOn('2026-12-24', { workingDays: 5 })).toBe('2027-01-05');
  });

  it('when read on a day, then a running clock is pending up to its due date and overdue after; a met one is met or met late', () => {
    const c = { status: 'running' as const, due_on: '2026-12-30', met_on: null };
    expect(clockState(c, '2026-12-30')).toBe('pending');
    expect(clockState(c, '2026-12-31')).toBe('overdue');
    expect(clockState({ status: 'met', due_on: '2026-12-30', met_on: '2026-12-30' }, '2027-02-01')).toBe('met');
    expect(clockState({ status: 'met', due_on: '2026-12-30', met_on: '2027-01-04' }, '2027-02-01')).toBe('met_late');
    expect(clockState({ status: 'stopped', due_on: '2026-12-30', met_on: null }, '2027-02-01')).toBe('stopped');
  });
});

describe('what may be done with a flag', () => {
  const running = [{ status: 'running' as const }];
  it('when open, then a coordinator may acknowledge, refer, correct and record; the chair may dismiss; a member nothing', () => {
    expect(allowedFlagActions(principal('cdop_coordinator'), { status: 'open', clocks: running })).toEqual([
      'acknowledge',
      'refer',
      'correct_awareness',
      'record_notification',
    ]);
    expect(allowedFlagActions(principal('panel_chair'), { status: 'open', clocks: running })).toEqual(['dismiss']);
    expect(allowedFlagActions(principal('panel_member'), { status: 'open', clocks: running })).toEqual([]);
  });

  it('when dismissed, then nothing more; when referred, then it cannot be dismissed; without a running clock, nothing to record', () => {
    expect(actionRefusal('refer', { status: 'dismissed', clocks: [] })).toMatch(/dismissed/);
    expect(actionRefusal('dismiss', { status: 'referred', clocks: running })).toMatch(/referred/);
    expect(actionRefusal('record_notification', { status: 'open', clocks: [{ status: 'met' }] })).toMatch(/no statutory clock/);
    expect(actionRefusal('acknowledge', { status: 'open', clocks: [] })).toBeNull();
  });
});
