export { PanelSafeguardingSettingEntity } from './panel-safeguarding-setting.entity';
export { SafeguardingFlagEntity, type SafeguardingFlagStatus } from './safeguarding-flag.entity';
export { SafeguardingFlagClockEntity, type FlagClockStatus } from './safeguarding-flag-clock.entity';
export { SafeguardingFlagEventEntity, type FlagEventAction } from './safeguarding-flag-event.entity';
