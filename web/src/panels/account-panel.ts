/** The header's account corner: "Sign in" with a small form, or the user's name and role and "Sign out". */
import { h } from '../dom.ts';
import { onLangChange, t } from '../i18n/index.ts';
import type { ApiClient } from '../api.ts';
import type { Session } from '../session.ts';

/** The user's personal access tokens (for QGIS, GDAL, scripts): list, create (shown once), revoke. */
function tokenList(api: ApiClient): HTMLElement {
  const m = t().account;
  const box = h('div', { class: 'xc-tokens' });
  const name = h('input', { name: 'token-name', placeholder: m.tokenName, 'aria-label': m.tokenName });
  const shown = h('div', { class: 'xc-token-new', role: 'status' });
  const list = h('ul', { class: 'xc-token-list' });
  const load = async () => {
    const tokens = await api.tokens().catch(() => []);
    list.replaceChildren(
      ...tokens.map((tk) => {
        const revoke = h('button', { type: 'button' }, m.revoke);
        revoke.addEventListener('click', () => void api.revokeToken(tk.id).then(load));
        return h('li', { 'data-token': String(tk.id) }, h('span', {}, tk.name), h('span', { class: 'xc-token-used' }, tk.lastUsedAt ? tk.lastUsedAt.slice(0, 10) : '—'), revoke);
      }),
    );
  };
  const form = h('form', { class: 'xc-token-form' }, name, h('button', { type: 'submit' }, m.createToken));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    api
      .createToken(name.value.trim() || 'QGIS')
      .then((r) => {
        shown.replaceChildren(h('div', {}, m.tokenOnce), h('code', { class: 'xc-token-secret' }, r.token));
        name.value = '';
        return load();
      })
      .catch((err: Error) => shown.replaceChildren(err.message));
  });
  box.append(form, shown, list);
  void load();
  return box;
}

export function accountPanel(session: Session, api: ApiClient): HTMLElement {
  const el = h('div', { class: 'xc-account' });
  let formOpen = false;
  let tokensOpen = false;
  let error = '';
  const render = () => {
    const m = t().account;
    if (session.user) {
      const out = h('button', { type: 'button', class: 'xc-account-out' }, m.signOut);
      out.addEventListener('click', () => void session.logout());
      const tokens = h('button', { type: 'button', class: 'xc-account-tokens', 'aria-expanded': String(tokensOpen), title: m.tokensTitle }, m.tokens);
      tokens.addEventListener('click', () => {
        tokensOpen = !tokensOpen;
        render();
      });
      el.replaceChildren(
        h('span', { class: 'xc-account-user', 'data-role': session.user.role }, session.user.username, ' · ', m.roles[session.user.role] ?? session.user.role),
        tokens,
        out,
        tokensOpen ? tokenList(api) : '',
      );
      return;
    }
    tokensOpen = false;
    const open = h('button', { type: 'button', class: 'xc-account-in', title: m.signInTitle, 'aria-expanded': String(formOpen) }, m.signIn);
    open.addEventListener('click', () => {
      formOpen = !formOpen;
      error = '';
      render();
      el.querySelector<HTMLInputElement>('input[name=username]')?.focus();
    });
    if (!formOpen) {
      el.replaceChildren(open);
      return;
    }
    const user = h('input', { name: 'username', autocomplete: 'username', required: true, 'aria-label': m.username, placeholder: m.username });
    const pass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'aria-label': m.password, placeholder: m.password });
    const submit = h('button', { type: 'submit' }, m.submit);
    const form = h('form', { class: 'xc-login' }, user, pass, submit, error ? h('div', { class: 'xc-login-error', role: 'alert' }, error) : null);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submit.disabled = true;
      session
        .login(user.value.trim(), pass.value)
        .then(() => {
          formOpen = false;
          error = '';
          render();
        })
        .catch((err: Error) => {
          error = `${m.failed}: ${err.message}`;
          render();
        });
    });
    el.replaceChildren(open, form);
  };
  render();
  session.on(render);
  onLangChange(render);
  return el;
}
