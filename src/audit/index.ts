// The audit module's public surface.
export { audit, auditStandalone, actorOf, auditRequestColumns, type AuditRequestColumns } from './audit.writer';
export { sealPending, verifyChain, type VerifyResult } from './audit.chain';
export { startAuditSealer, type AuditSealer } from './audit.sealer';
export { auditRouter } from './audit.routes';
export type { AuditEntry, AuditActor, AuditOutcome } from './audit.types';
