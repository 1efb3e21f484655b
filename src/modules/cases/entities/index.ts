export { CaseEntity } from './case.entity';
export { CaseActionEntity } from './case-action.entity';
export { CaseAgencyEntity } from './case-agency.entity';
export { CaseDeadlineEntity } from './case-deadline.entity';
export { CaseFlagEntity, type FlagStatus } from './case-flag.entity';
export { CaseReferenceCounterEntity } from './case-reference-counter.entity';
export { CaseTransferEntity } from './case-transfer.entity';
