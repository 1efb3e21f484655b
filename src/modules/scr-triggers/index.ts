// SCR triggers: explainable, versioned rules that flag every case meeting the criteria for a safeguarding review or a
// statutory notification, run in the transaction of every change to a case; the flags, their clocks and decisions.
import * as entities from './entities';

export { createScrTriggersService, safeguardingClosurePort, safeguardingFlagsPort } from './scr-triggers.service';
export { scrTriggersRouter } from './scr-triggers.routes';
export { scrTriggersListener } from './use-cases/run-rules';
export { SCR_RULES, type ScrRule } from './rules';
export * from './entities';

/** The scr-triggers module's tables. */
export const SCR_TRIGGERS_ENTITIES = [
  entities.PanelSafeguardingSettingEntity,
  entities.SafeguardingFlagEntity,
  entities.SafeguardingFlagClockEntity,
  entities.SafeguardingFlagEventEntity,
];
