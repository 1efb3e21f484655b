import { chasingSteps, type ChasingState } from '../../../src/modules/agency-forms/chasing.rule';

const policy = { reminderWorkingDaysBefore: 2, escalateAfterOverdueWorkingDays: 5 };
const fresh = (dueDate: string): ChasingState => ({ dueDate, remindedBefore: false, remindedDue: false, overdue: false, escalated: false });

describe('chasingSteps (due Wed 30 Dec 2026: Christmas Day Fri 25, Boxing Day substitute Mon 28 Dec, New Year Fri 1 Jan)', () => {
  it.each([
    ['2026-12-22', []],
    ['2026-12-23', []],
    ['2026-12-24', ['remind_before']], // 2 working days before: Tue 29, Wed 30
    ['2026-12-25', []], // bank holiday: no mail
    ['2026-12-26', []], // Saturday
    ['2026-12-28', []], // substitute bank holiday
    ['2026-12-29', ['remind_before']], // still within 2 working days (not yet taken)
    ['2026-12-30', ['remind_due']], // the before-reminder is not sent late on the day itself
    ['2026-12-31', ['mark_overdue']],
    ['2027-01-01', []], // bank holiday
    ['2027-01-06', ['mark_overdue']],
    ['2027-01-07', ['mark_overdue', 'escalate']], // 5 working days after: Thu 31, Mon 4, Tue 5, Wed 6, Thu 7
  ])('on %s with nothing done yet: %j', (today, steps) => {
    expect(chasingSteps(fresh('2026-12-30'), today, policy)).toEqual(steps);
  });

  it('never repeats a step taken', () => {
    const done: ChasingState = { dueDate: '2026-12-30', remindedBefore: true, remindedDue: true, overdue: true, escalated: true };
    for (const day of ['2026-12-24', '2026-12-30', '2026-12-31', '2027-01-07', '2027-02-01'])
      expect(chasingSteps(done, day, policy)).toEqual([]);
  });

  it('with no reminder days before, reminds only on the day', () => {
    expect(chasingSteps(fresh('2026-12-30'), '2026-12-29', { ...policy, reminderWorkingDaysBefore: 0 })).toEqual([]);
    expect(chasingSteps(fresh('2026-12-30'), '2026-12-30', { ...policy, reminderWorkingDaysBefore: 0 })).toEqual(['remind_due']);
  });

  it('a due date on a weekend gets no on-the-day reminder, and is overdue on the next working day', () => {
    expect(chasingSteps(fresh('2027-01-09'), '2027-01-09', policy)).toEqual([]);
    expect(chasingSteps(fresh('2027-01-09'), '2027-01-11', policy)).toEqual(['mark_overdue']);
  });
});
