/**
 * The one write path. Every change the API makes — features, users, tokens, logins, reviews,
 * imports — runs through `audited`: it checks the role, runs the change and appends its audit
 * rows in one transaction. The database backs this up (migration 003): a transaction that changes
 * a collection table without an audit row cannot commit, and audit rows cannot be changed.
 */
import type { Db, Queryable } from '../db/db.ts';
import { apiError } from '../errors.ts';
import { insertAuditQuery, type AuditEntry } from '../sql/audit.ts';

export const ROLES = ['viewer', 'planner', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The signed-in user a request acts for. */
export interface Actor {
  username: string;
  role: Role;
  /** How the request proved who it is. */
  via: 'session' | 'token' | 'system';
}

/** Who is writing and from where; filled in by the routes from the request. */
export interface WriteContext {
  actor: Actor | null;
  requestId: string | null;
  clientAddress: string | null;
  /** 修改说明: why the change is made (required for feature changes). */
  reason?: string | null;
}

/** The system actor: first-start setup, the geodata/ import, the command line. */
export function systemContext(name = 'system', reason: string | null = null): WriteContext {
  return { actor: { username: name, role: 'admin', via: 'system' }, requestId: null, clientAddress: null, reason };
}

const RANK: Record<Role, number> = { viewer: 0, planner: 1, admin: 2 };

/** 401 without a user, 403 when the user's role is below `role`. */
export function requireRole(actor: Actor | null, role: Role, what: string): Actor {
  if (!actor) apiError(401, 'Unauthorized', `Sign in to ${what} (POST /api/auth/login, or a token in "Authorization: Bearer …").`);
  if (RANK[actor.role] < RANK[role]) apiError(403, 'Forbidden', `Your role (${actor.role}) may not ${what}; it needs ${role}.`);
  return actor;
}

/** An audit row as a change states it; who (unless stated, e.g. the user a sign-in link signed in), from where and why come from the context. */
type EntryIn = Omit<AuditEntry, 'actor' | 'requestId' | 'clientAddress'> & { actor?: string };

/** Appends one audit row for the change `audited` is making; the context fills who, where and why. */
export interface Audit {
  (entry: EntryIn): Promise<{ id: number; at: string }>;
  /** The full row for a statement that writes its audit row itself (the write and its row in one statement). */
  row(entry: EntryIn): AuditEntry;
}

/**
 * Runs `change` in one transaction with an `audit` function bound to it. `role` null allows an
 * anonymous actor (a login attempt). Nothing is written when `change` throws.
 */
export async function audited<T>(
  db: Db,
  ctx: WriteContext,
  role: Role | null,
  what: string,
  change: (tx: Queryable, audit: Audit) => Promise<T>,
): Promise<T> {
  if (role) requireRole(ctx.actor, role, what);
  return db.transaction(async (tx) => {
    let rows = 0;
    const row = (entry: EntryIn): AuditEntry => {
      rows++;
      return { ...entry, reason: entry.reason ?? ctx.reason ?? null, actor: entry.actor ?? ctx.actor?.username ?? null, requestId: ctx.requestId, clientAddress: ctx.clientAddress };
    };
    const audit: Audit = Object.assign(
      async (entry: EntryIn) => {
        const q = insertAuditQuery(row(entry));
        return (await tx.query<{ id: number; at: string }>(q.text, q.values)).rows[0];
      },
      { row },
    );
    const result = await change(tx, audit);
    // The database refuses collection changes without an audit row; this catches the rest early.
    if (rows === 0) throw new Error(`audited(): "${what}" wrote no audit row`);
    return result;
  });
}
