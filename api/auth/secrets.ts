/** Password hashing (argon2id, @node-rs/argon2) and random secrets for sessions, tokens and links. */
import { hash, verify } from '@node-rs/argon2';
import { createHash, randomBytes } from 'node:crypto';

/** Argon2id with the library's defaults (m = 19 MiB, t = 2, p = 1: OWASP's minimum recommendation). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** A hash of a password nobody has, verified against for unknown users so both answers take as long. */
let dummy: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  if (passwordHash === null) {
    dummy ??= hash(randomBytes(16).toString('hex'));
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

/** A random secret (256 bits) in URL-safe base64, with a prefix that says what it is. */
export function newSecret(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** What the database keeps of a secret: its SHA-256 (a leaked table gives no working credential). */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The rules a new password must meet; a message when it does not. */
export function passwordProblem(password: string): string | null {
  if (password.length < 10) return 'The password must have at least 10 characters.';
  if (password.length > 200) return 'The password may have at most 200 characters.';
  return null;
}
