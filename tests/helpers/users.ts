import type { Db } from '../../api/db/db.ts';
import { systemContext } from '../../api/audit/audited.ts';
import { createToken, createUser } from '../../api/auth/accounts.ts';

export const TEST_PASSWORD = 'correct horse battery';

let n = 0;

/** A new user of `role` with a personal access token (for `Authorization: Bearer`). */
export async function testUser(db: Db, role: 'viewer' | 'planner' | 'admin', name?: string): Promise<{ username: string; token: string; auth: { authorization: string } }> {
  const username = name ?? `${role}-${process.pid}-${++n}`;
  await createUser(db, systemContext('test-setup'), { username, password: TEST_PASSWORD, role });
  const ctx = { ...systemContext('test-setup'), actor: { username, role, via: 'system' as const } };
  const { token } = await createToken(db, ctx, 'tests');
  return { username, token, auth: { authorization: `Bearer ${token}` } };
}
