export type AuditOutcome = 'success' | 'denied' | 'failure';

export interface AuditActor {
  type: 'user' | 'client' | 'anonymous' | 'system';
  id: string | null;
  idpId: string | null;
}

/**
 * One audit event. `reason` and `details` must never carry personal data:
 * codes, ids and counts only.
 */
export interface AuditEntry {
  /** dotted lower-case verb, e.g. `case.read`, `auth.login`, `directory.agency.update` */
  action: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: AuditOutcome;
  /** a short machine reason for refusals and failures, e.g. `SAML.SIGNATURE_INVALID` */
  reason?: string;
  /** why the caller accessed the record, where the API takes one */
  purpose?: string;
  details?: Record<string, unknown>;
  /** defaults to the principal of the current request (or anonymous) */
  actor?: AuditActor;
}
