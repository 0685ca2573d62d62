/** Who is signed in (the server's session cookie is HttpOnly: the app asks /api/auth/me). */
import type { ApiClient, SessionUser } from './api.ts';

const RANK = { viewer: 0, planner: 1, admin: 2 } as const;

export class Session {
  user: SessionUser | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly api: ApiClient) {}

  on(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async refresh(): Promise<void> {
    this.set(await this.api.me().catch(() => null));
  }

  async login(username: string, password: string): Promise<void> {
    this.set(await this.api.login(username, password));
  }

  async logout(): Promise<void> {
    await this.api.logout().catch(() => {});
    this.set(null);
  }

  /** Whether the user's role is at least `role`. */
  can(role: 'viewer' | 'planner' | 'admin' | undefined): boolean {
    return !!this.user && !!role && RANK[this.user.role] >= RANK[role];
  }

  private set(user: SessionUser | null) {
    this.user = user;
    for (const fn of this.listeners) fn();
  }
}
