import { abuseOrNeglectDeath } from './abuse-or-neglect-death.rule';
import { abuseWithAgencyConcern } from './abuse-with-agency-concern.rule';
import { interAgencyConcern } from './inter-agency-concern.rule';
import { regulatedSettingDeath } from './regulated-setting-death.rule';
import type { ScrRule } from './rule';
import { statutoryDeathNotification } from './statutory-death-notification.rule';
import { suicideWithSafeguardingConcern } from './suicide-with-safeguarding-concern.rule';

/** Every SCR-trigger rule, one file per criterion; the order is the order flags are raised in. */
export const SCR_RULES: readonly ScrRule[] = [
  abuseOrNeglectDeath,
  abuseWithAgencyConcern,
  statutoryDeathNotification,
  suicideWithSafeguardingConcern,
  interAgencyConcern,
  regulatedSettingDeath,
];

export * from './rule';
export {
  abuseOrNeglectDeath,
  abuseWithAgencyConcern,
  interAgencyConcern,
  regulatedSettingDeath,
  statutoryDeathNotification,
  suicideWithSafeguardingConcern,
};
