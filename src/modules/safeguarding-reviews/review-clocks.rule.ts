import { addCalendarMonths, addWorkingDays, type LocalDate } from '../../platform/time';
import type { StoredClockStatus } from './entities';
import type { Regime, ReviewAction } from './review-workflow';

/**
 * A safeguarding review's statutory clocks, per regime, as a versioned pure rule table (docs/domain.md, "Serious
 * Case Reviews and their successors"). Dates are Europe/London calendar dates: a clock is due at the end of its due
 * day, working days skip weekends and English bank holidays (src/platform/time). A change to a duration or basis
 * is a new RULE_VERSION; a review records the version its clocks were computed with.
 *
 * Every clock starts when the review opens, counted from the referral (2015) or from the day the responsible body
 * became aware (2018), so a decision not to proceed can stop the later ones. The serious incident notification
 * (5 working days) is not here: it belongs to the flag (the scr-triggers module), not to the review.
 */
export const RULE_ID = 'safeguarding_reviews.clocks';
export const RULE_VERSION = 1;

type ClockStart = 'referred_on' | 'aware_on';
type ClockOffset = { unit: 'working_days' | 'calendar_months'; amount: number };

interface ReviewClockRule {
  id: string;
  label: string;
  /** The statutory basis, in words (shown with the clock). */
  basis: string;
  startsFrom: ClockStart;
  offset: ClockOffset;
  /** Actions that meet it (met, or met late after the due day). */
  metBy: readonly ReviewAction[];
  /** Actions that stop it (no longer due). */
  stoppedBy: readonly ReviewAction[];
}

export const REVIEW_CLOCK_RULES = {
  '2015': [
    {
      id: 'scr_decision_due',
      label: 'Decision whether to hold a Serious Case Review',
      basis:
        'LSCB Regulations 2006 reg. 5 and Working Together 2015: the chair decides whether to proceed within one month of the referral.',
      startsFrom: 'referred_on',
      offset: { unit: 'calendar_months', amount: 1 },
      metBy: ['decide_to_proceed', 'decide_not_to_proceed'],
      stoppedBy: [],
    },
    {
      id: 'scr_completion_due',
      label: 'Serious Case Review completed',
      basis:
        'Working Together 2015 process: completion within 4 months (counted here from the referral; check: later guidance counts 6 months from initiating the review).',
      startsFrom: 'referred_on',
      offset: { unit: 'calendar_months', amount: 4 },
      metBy: ['complete'],
      stoppedBy: ['decide_not_to_proceed'],
    },
    {
      id: 'scr_publication_due',
      label: 'Serious Case Review published',
      basis: 'Later Working Together 2015 guidance: publish within 6 months (counted here from the referral; check).',
      startsFrom: 'referred_on',
      offset: { unit: 'calendar_months', amount: 6 },
      metBy: ['publish'],
      stoppedBy: ['decide_not_to_proceed'],
    },
  ],
  '2018': [
    {
      id: 'rapid_review_due',
      label: 'Rapid review completed',
      basis:
        'Children Act 2004 s16C and Working Together 2018/2023: the safeguarding partners complete a rapid review within 15 working days of becoming aware of the incident.',
      startsFrom: 'aware_on',
      offset: { unit: 'working_days', amount: 15 },
      metBy: ['record_rapid_review'],
      stoppedBy: [],
    },
    {
      id: 'lcspr_publication_due',
      label: 'Local child safeguarding practice review published',
      basis:
        'Working Together 2018/2023: a local child safeguarding practice review is usually published within about 6 months (counted here from becoming aware; check).',
      startsFrom: 'aware_on',
      offset: { unit: 'calendar_months', amount: 6 },
      metBy: ['publish'],
      stoppedBy: ['decide_not_to_proceed'],
    },
  ],
} as const satisfies Record<Regime, readonly ReviewClockRule[]>;

interface ComputedClock {
  clockId: string;
  label: string;
  basis: string;
  startsOn: LocalDate;
  dueOn: LocalDate;
}

/** The clocks a review of this regime starts with, from its referral date and awareness date (London dates). */
export function clocksFor(regime: Regime, dates: { referredOn: LocalDate; awareOn: LocalDate }): ComputedClock[] {
  return (REVIEW_CLOCK_RULES[regime] as readonly ReviewClockRule[]).map((r) => {
    const startsOn = r.startsFrom === 'referred_on' ? dates.referredOn : dates.awareOn;
    const dueOn =
      r.offset.unit === 'working_days' ? addWorkingDays(startsOn, r.offset.amount) : addCalendarMonths(startsOn, r.offset.amount);
    return { clockId: r.id, label: r.label, basis: r.basis, startsOn, dueOn };
  });
}

interface ClockEffect {
  met: string[];
  stopped: string[];
}

/** Which of a review's pending clocks an action meets and which it stops. */
export function clockEffectsOf(regime: Regime, action: ReviewAction, pendingClockIds: readonly string[]): ClockEffect {
  const rules = (REVIEW_CLOCK_RULES[regime] as readonly ReviewClockRule[]).filter((r) => pendingClockIds.includes(r.id));
  return {
    met: rules.filter((r) => r.metBy.includes(action)).map((r) => r.id),
    stopped: rules.filter((r) => r.stoppedBy.includes(action)).map((r) => r.id),
  };
}

/** Met on time (on or before the due day, London) or late. */
export function metStatus(dueOn: LocalDate, metOn: LocalDate): 'met' | 'met_late' {
  return metOn <= dueOn ? 'met' : 'met_late';
}

type ClockStatus = StoredClockStatus | 'overdue';

/** What a clock shows today: a pending clock past the end of its due day is overdue. */
export function clockStatusOn(c: { status: StoredClockStatus; due_on: LocalDate }, today: LocalDate): ClockStatus {
  return c.status === 'pending' && today > c.due_on ? 'overdue' : c.status;
}
