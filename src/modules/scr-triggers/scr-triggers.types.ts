import type { components } from '../../generated/openapi';

type S = components['schemas'];
export type SafeguardingFlagView = S['SafeguardingFlag'];
export type FlagClockView = S['FlagClock'];
export type FlagEventView = S['FlagEvent'];
export type FlagReason = S['FlagReason'];
export type FlagReferral = S['FlagReferral'];
export type FlagAwarenessCorrection = S['FlagAwarenessCorrection'];
export type FlagNotificationSent = S['FlagNotificationSent'];
export type SafeguardingSettingsView = S['SafeguardingSettings'];
export type SafeguardingSettingsUpdate = S['SafeguardingSettingsUpdate'];
