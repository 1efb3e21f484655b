import { AUDIT_CHAIN_UNMAPPED_COLUMNS } from './entities/audit-chain-link.entity';
import { AUDIT_EVENT_UNMAPPED_COLUMNS } from './entities/audit-event.entity';

// The audit module's public surface.
export { audit, auditStandalone, actorOf, flushAudit } from './audit.writer';
export { refusalOf, runAuditedCommand } from './audited-command';
export { sealPending, verifyChain } from './audit.chain';
export { startAuditSealer, type AuditSealer } from './audit.sealer';
export { auditRouter } from './audit.routes';
export type { AuditEntry } from './audit.types';
export { AuditEventEntity } from './entities/audit-event.entity';
export { AuditChainLinkEntity } from './entities/audit-chain-link.entity';

/** Columns of the audit tables that no entity maps (xid8), with their PostgreSQL types, for the schema check. */
export const UNMAPPED_COLUMNS: Record<string, Record<string, string>> = {
  audit_events: AUDIT_EVENT_UNMAPPED_COLUMNS,
  audit_chain: AUDIT_CHAIN_UNMAPPED_COLUMNS,
};
