import type { DataSource } from 'typeorm';
import type { Principal } from '../../access/principal';
import type { Page } from '../../platform/http/pagination';
import { londonDateOf } from '../../platform/time';
import type { CaseClosurePort, CaseSafeguardingPort } from '../cases';
import { isUndecided } from './flag-rules';
import * as repo from './scr-triggers.repository';
import type { SafeguardingReviewsForFlags } from './scr-triggers.ports';
import type {
  FlagAwarenessCorrection,
  FlagNotificationSent,
  FlagReason,
  FlagReferral,
  SafeguardingFlagView,
  SafeguardingSettingsUpdate,
  SafeguardingSettingsView,
} from './scr-triggers.types';
import type { ScrTriggersDeps } from './use-cases/deps';
import { acknowledgeFlag, correctAwareness, dismissFlag, recordNotification, referFlag } from './use-cases/flag-actions';
import { getFlag, listFlags, type FlagListQuery } from './use-cases/read-flags';
import { getSafeguardingSettings, updateSafeguardingSettings } from './use-cases/settings';

/** The scr-triggers module's use cases, for its routes (one file per group under use-cases/). */
export interface ScrTriggersService {
  list(p: Principal, q: FlagListQuery): Promise<Page<SafeguardingFlagView>>;
  get(p: Principal, flagId: string): Promise<SafeguardingFlagView>;
  acknowledge(p: Principal, flagId: string): Promise<SafeguardingFlagView>;
  refer(p: Principal, flagId: string, body: FlagReferral): Promise<SafeguardingFlagView>;
  dismiss(p: Principal, flagId: string, body: FlagReason): Promise<SafeguardingFlagView>;
  correctAwareness(p: Principal, flagId: string, body: FlagAwarenessCorrection): Promise<SafeguardingFlagView>;
  recordNotification(p: Principal, flagId: string, body: FlagNotificationSent): Promise<SafeguardingFlagView>;
  getSettings(p: Principal, panelId: string): Promise<SafeguardingSettingsView>;
  updateSettings(p: Principal, panelId: string, body: SafeguardingSettingsUpdate): Promise<SafeguardingSettingsView>;
}

interface ScrTriggersServiceOptions {
  /** The safeguarding-reviews module's side: opening a referral (app.ts wires it). */
  referrals: SafeguardingReviewsForFlags;
  now?: () => Date;
}

export function createScrTriggersService(ds: DataSource, opts: ScrTriggersServiceOptions): ScrTriggersService {
  const deps: ScrTriggersDeps = { ds, referrals: opts.referrals, now: opts.now ?? (() => new Date()) };
  return {
    list: (p, q) => listFlags(deps, p, q),
    get: (p, id) => getFlag(deps, p, id),
    acknowledge: (p, id) => acknowledgeFlag(deps, p, id),
    refer: (p, id, body) => referFlag(deps, p, id, body),
    dismiss: (p, id, body) => dismissFlag(deps, p, id, body),
    correctAwareness: (p, id, body) => correctAwareness(deps, p, id, body),
    recordNotification: (p, id, body) => recordNotification(deps, p, id, body),
    getSettings: (p, panelId) => getSafeguardingSettings(deps, p, panelId),
    updateSettings: (p, panelId, body) => updateSafeguardingSettings(deps, p, panelId, body),
  };
}

/**
 * The cases module's question before `close` (a CaseClosurePort): an SCR flag still waiting for a decision (open or
 * acknowledged: neither referred nor dismissed by the chair) stops the case closing.
 */
export const safeguardingClosurePort: CaseClosurePort = {
  async closureBlockers(tx, caseId) {
    const undecided = await repo.undecidedFlagsOfCase(tx, caseId);
    return undecided
      .filter((f) => isUndecided(f.status))
      .map((f) => ({
        code: 'SCR.FLAG_UNDECIDED',
        detail: `The SCR flag ${f.id} (${f.rule_id}) is ${f.status}: refer it, or the chair dismisses it with a reason.`,
      }));
  },
};

/** The cases module's summary of a case's SCR flags on its view (a CaseSafeguardingPort); overdue as of today in England. */
export function safeguardingFlagsPort(now: () => Date = () => new Date()): CaseSafeguardingPort {
  return { flagsOf: (tx, caseId) => repo.flagSummariesOfCase(tx, caseId, londonDateOf(now())) };
}
