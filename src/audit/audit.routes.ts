import { Router } from 'express';
import type { DataSource } from 'typeorm';
import { inTransaction } from '../platform/db/transaction';
import { decodeCursor } from '../platform/http/pagination';
import { verifyChain } from './audit.chain';
import { listAuditEvents, type AuditQuery } from './audit.repository';
import { audit } from './audit.writer';

type ListQuery = Omit<AuditQuery, 'before' | 'limit'> & { cursor?: string; limit?: number };

/** The auditor's view of the trail. Reading the trail is itself audited. */
export function auditRouter(ds: DataSource): Router {
  const r = Router();

  r.get('/v1/audit-events', async (req, res) => {
    const { cursor, limit, ...filters } = req.query as ListQuery;
    const before = decodeCursor(cursor, 1)?.[0];
    const page = await inTransaction(ds, async (tx) => {
      const result = await listAuditEvents(tx, {
        ...filters,
        before: before === undefined ? undefined : Number(before),
        limit: limit ?? 50,
      });
      await audit(tx, { action: 'audit.events.read', resourceType: 'audit_events', details: { returned: result.items.length } });
      return result;
    });
    res.json(page);
  });

  r.get('/v1/audit/verify', async (_req, res) => {
    const result = await verifyChain(ds);
    await inTransaction(ds, (tx) =>
      audit(tx, {
        action: 'audit.chain.verify',
        resourceType: 'audit_chain',
        outcome: result.ok ? 'success' : 'failure',
        details: { sealed: result.sealed },
      }),
    );
    res.json(result);
  });

  return r;
}
