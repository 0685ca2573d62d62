import { Hono } from 'hono';
import { z } from 'zod';
import type { AuditListEntry } from '../../core/audit-entry.ts';
import { toCsv } from '../../core/export/csv.ts';
import type { Db } from '../db/db.ts';
import { apiError } from '../errors.ts';
import { requireRole } from '../audit/audited.ts';
import { verifyAudit } from '../audit/verify.ts';
import { listAuditQuery } from '../sql/audit.ts';

const instant = z
  .string()
  .max(40)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a date or date-time, e.g. 2026-12-01 or 2026-12-01T08:00:00Z');

const AuditParams = z
  .object({
    actor: z.string().max(64).optional(),
    collection: z.string().max(64).optional(),
    featureId: z.string().max(200).optional(),
    action: z.string().max(32).optional(),
    since: instant.optional(),
    until: instant.optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(100),
    offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
    f: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

type AuditRow = AuditListEntry;

/** The audit trail for admins: recent changes with filters (JSON or CSV) and the chain check. */
export function auditRoutes(db: Db) {
  const app = new Hono();

  app.get('/audit', async (c) => {
    requireRole(c.get('actor'), 'admin', 'read the audit trail');
    const r = AuditParams.safeParse(c.req.query());
    if (!r.success) {
      const i = r.error.issues[0];
      apiError(400, 'InvalidParameterValue', `${i.path.join('.') || 'query'}: ${i.message}`);
    }
    const { f, ...filter } = r.data;
    const q = listAuditQuery(filter);
    const row = (await db.query<{ number_matched: number; rows: string }>(q.text, q.values)).rows[0];
    const rows = JSON.parse(row.rows) as AuditRow[];
    if (f === 'csv') {
      const csv = toCsv(rows, [
        { header: 'id', value: (x) => x.id },
        { header: 'at (UTC)', value: (x) => x.at },
        { header: 'actor 用户', value: (x) => x.actor },
        { header: 'action 操作', value: (x) => x.action },
        { header: 'collection 图层', value: (x) => x.collection },
        { header: 'feature 要素', value: (x) => x.featureId },
        { header: 'version before', value: (x) => x.versionBefore },
        { header: 'version after', value: (x) => x.versionAfter },
        { header: 'reason 修改说明', value: (x) => x.reason },
        { header: 'request id', value: (x) => x.requestId },
        { header: 'client address', value: (x) => x.clientAddress },
        { header: 'hash', value: (x) => x.hash },
      ]);
      return c.body(csv, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      });
    }
    return c.json({ numberMatched: row.number_matched, numberReturned: rows.length, entries: rows });
  });

  app.get('/audit/verify', async (c) => {
    requireRole(c.get('actor'), 'admin', 'verify the audit trail');
    return c.json(await verifyAudit(db));
  });

  return app;
}
