import type { components, operations } from '../../generated/openapi';

export type CaseView = components['schemas']['Case'];
export type CaseSummary = components['schemas']['CaseSummary'];
export type CaseUpdate = components['schemas']['CaseUpdate'];
export type CaseFlagView = components['schemas']['CaseFlag'];
export type CaseDeadlineView = components['schemas']['CaseDeadline'];
export type ChildIdentityView = components['schemas']['ChildIdentity'];
export type CaseHistoryEntry = components['schemas']['CaseHistoryEntry'];
export type CaseNotificationView = components['schemas']['CaseNotification'];
export type CaseTransferView = components['schemas']['CaseTransfer'];
export type CaseTransferRequest = components['schemas']['CaseTransferRequest'];
export type CaseTransferListQuery = NonNullable<operations['listCaseTransfers']['parameters']['query']>;
export type ExpectedDeath = components['schemas']['ExpectedDeath'];
export type Sex = components['schemas']['Sex'];
export type CaseListQuery = NonNullable<operations['listCases']['parameters']['query']>;
export type NhsNumberExceptionReason = NonNullable<components['schemas']['ChildIdentity']['nhsNumberExceptionReason']>;
