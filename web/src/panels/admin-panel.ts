/**
 * The admin tool: users (add, change role, disable) and the audit trail (recent changes with
 * filters, CSV export, and the hash-chain check).
 */
import type { AuditEntry, UserInfo } from '../api.ts';
import { h } from '../dom.ts';
import { fill, label, onLangChange, pick, t } from '../i18n/index.ts';
import type { AnalysisContext } from './analysis-dock.ts';


export class AdminPanel {
  readonly element = h('div', { class: 'xc-admin' });
  private users: UserInfo[] = [];
  private entries: AuditEntry[] = [];
  private matched = 0;
  private filters: Record<string, string> = { actor: '', collection: '', since: '', limit: '100' };
  private message: { text: string; kind: 'ok' | 'error' } | null = null;
  private verify: string | null = null;

  constructor(private readonly ctx: AnalysisContext) {
    onLangChange(() => this.render());
    this.render();
  }

  async open(): Promise<void> {
    await this.load();
  }

  close(): void {}

  private async load() {
    try {
      const [users, audit] = await Promise.all([this.ctx.api.users(), this.ctx.api.audit(this.filters)]);
      this.users = users;
      this.entries = audit.entries;
      this.matched = audit.numberMatched;
    } catch (err) {
      this.message = { text: (err as Error).message, kind: 'error' };
    }
    this.render();
  }

  private render() {
    const m = t().admin;
    const roles = t().account.roles;
    const userRows = this.users.map((u) => {
      const role = h('select', { 'aria-label': `${m.role} ${u.username}` }, ...['viewer', 'planner', 'admin'].map((r) => h('option', { value: r }, roles[r])));
      role.value = u.role;
      role.addEventListener('change', () => void this.change(u.username, { role: role.value }));
      const toggle = h('button', { type: 'button', class: 'xc-admin-toggle' }, u.disabled ? m.enable : m.disable);
      toggle.addEventListener('click', () => void this.change(u.username, { disabled: !u.disabled }));
      const passwd = h('button', { type: 'button', class: 'xc-admin-passwd' }, m.resetPassword);
      passwd.addEventListener('click', () => {
        const password = prompt(fill(m.newPasswordFor, { name: u.username }));
        if (password) void this.change(u.username, { password }, fill(m.passwordChanged, { name: u.username }));
      });
      return h('tr', { 'data-user': u.username }, h('td', {}, u.username, u.disabled ? ` (${m.disabled})` : ''), h('td', {}, role), h('td', {}, toggle, ' ', passwd));
    });
    const name = h('input', { name: 'username', placeholder: t().account.username, 'aria-label': t().account.username });
    const pass = h('input', { name: 'password', type: 'password', placeholder: t().account.password, 'aria-label': t().account.password, autocomplete: 'new-password' });
    const role = h('select', { name: 'role', 'aria-label': m.role }, ...['viewer', 'planner', 'admin'].map((r) => h('option', { value: r }, roles[r])));
    role.value = 'planner';
    const add = h('form', { class: 'xc-admin-add' }, name, pass, role, h('button', { type: 'submit' }, m.addUser));
    add.addEventListener('submit', (e) => {
      e.preventDefault();
      this.ctx.api
        .createUser(name.value.trim(), pass.value, role.value)
        .then(() => {
          this.message = { text: fill(m.created, { name: name.value.trim() }), kind: 'ok' };
          return this.load();
        })
        .catch((err: Error) => {
          this.message = { text: err.message, kind: 'error' };
          this.render();
        });
    });

    const actor = h('input', { name: 'actor', placeholder: m.filterUser, 'aria-label': m.filterUser });
    actor.value = this.filters.actor;
    const collection = h('select', { name: 'collection', 'aria-label': m.filterCollection }, h('option', { value: '' }, `${m.filterCollection}: —`), ...[...this.ctx.store.info.values()].map((c) => h('option', { value: c.id }, pick(c.titles))));
    collection.value = this.filters.collection;
    const since = h('input', { name: 'since', type: 'date', 'aria-label': m.filterSince });
    since.value = this.filters.since;
    const filter = h('form', { class: 'xc-admin-filter' }, actor, collection, since, h('button', { type: 'submit' }, m.apply));
    filter.addEventListener('submit', (e) => {
      e.preventDefault();
      this.filters = { ...this.filters, actor: actor.value.trim(), collection: collection.value, since: since.value };
      void this.load();
    });
    const csv = h('a', { class: 'xc-admin-csv', href: this.ctx.api.auditUrl(this.filters, true), download: '' }, m.csv);
    const verify = h('button', { type: 'button', class: 'xc-admin-verify' }, m.verify);
    verify.addEventListener('click', () => {
      this.ctx.api
        .verifyAudit()
        .then((r) => (this.verify = r.ok ? fill(m.verifyOk, { rows: r.rows }) : fill(m.verifyBroken, { row: r.firstBrokenRow ?? '?' })))
        .catch((err: Error) => (this.verify = err.message))
        .finally(() => this.render());
    });
    const actions = t().edit.actions;
    const rows = this.entries.map((e) =>
      h(
        'tr',
        { 'data-audit': String(e.id) },
        h('td', {}, e.at.slice(0, 16).replace('T', ' ')),
        h('td', {}, e.actor ?? ''),
        h('td', {}, label(actions, e.action)),
        h('td', {}, [e.collection, e.featureId].filter(Boolean).join(' / ')),
        h('td', {}, e.reason ?? ''),
      ),
    );
    this.element.replaceChildren(
      this.message ? h('div', { class: `xc-edit-message xc-edit-${this.message.kind}`, role: 'status' }, this.message.text) : '',
      h('h4', {}, m.users),
      h('table', { class: 'xc-admin-users' }, h('tbody', {}, ...userRows)),
      add,
      h('h4', {}, `${m.audit} (${this.matched})`),
      filter,
      h('div', { class: 'xc-edit-buttons' }, csv, verify),
      this.verify ? h('div', { class: 'xc-admin-verify-result', role: 'status' }, this.verify) : '',
      h(
        'table',
        { class: 'xc-admin-audit' },
        h('thead', {}, h('tr', {}, h('th', {}, m.when), h('th', {}, m.who), h('th', {}, m.what), h('th', {}, m.feature), h('th', {}, m.why))),
        h('tbody', {}, ...rows),
      ),
    );
  }

  private async change(username: string, change: { role?: string; disabled?: boolean; password?: string }, done?: string) {
    try {
      await this.ctx.api.updateUser(username, change);
      this.message = done ? { text: done, kind: 'ok' } : null;
    } catch (err) {
      this.message = { text: (err as Error).message, kind: 'error' };
    }
    await this.load();
  }
}
