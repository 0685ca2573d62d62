/** The header's account corner: "Sign in" with a small form, or the user's name and role and "Sign out". */
import { h } from '../dom.ts';
import { onLangChange, t } from '../i18n/index.ts';
import type { Session } from '../session.ts';

export function accountPanel(session: Session): HTMLElement {
  const el = h('div', { class: 'xc-account' });
  let formOpen = false;
  let error = '';
  const render = () => {
    const m = t().account;
    if (session.user) {
      const out = h('button', { type: 'button', class: 'xc-account-out' }, m.signOut);
      out.addEventListener('click', () => void session.logout());
      el.replaceChildren(
        h('span', { class: 'xc-account-user', 'data-role': session.user.role }, session.user.username, ' · ', m.roles[session.user.role] ?? session.user.role),
        out,
      );
      return;
    }
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
