// Unlock: passphrase, a kind message when it is wrong (the core waits longer after
// each wrong try), a way to the recovery code and to a quick note. Shows nothing of
// the diary.

import * as api from '../api.js';
import { S } from '../strings.js';
import { add, h, field, message, setMessage } from '../dom.js';

export function render(root, ctx, params = {}) {
  const T = S.unlock;
  const pass = field({ label: T.passphrase, name: 'passphrase', type: 'password', attrs: { autocomplete: 'current-password' } });
  const msg = message(params.reason === 'idle' ? 'ok' : 'error', params.reason === 'idle' ? T.locked : '');
  const button = h('button', { type: 'submit', class: 'primary', id: 'unlock' }, T.unlock);
  const form = h('form', { class: 'card', novalidate: true },
    pass.wrap, msg, h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!pass.control.value) { pass.control.focus(); return; }
    button.disabled = true;
    button.textContent = T.checking;
    setMessage(msg, 'ok', '');
    try {
      ctx.status = await api.vault_unlock(pass.control.value);
      pass.control.value = '';
      try {
        const settings = await api.settings_get();
        ctx.settings = settings;
        ctx.setQuickExitKey?.(settings.quick_exit_key);
      } catch { /* settings are optional */ }
      await ctx.go('timeline');
    } catch (err) {
      button.disabled = false;
      button.textContent = T.unlock;
      pass.control.value = '';
      pass.control.setAttribute('aria-invalid', 'true');
      setMessage(msg, 'error', err.kind === 'wrong_passphrase' ? T.wrong : (err.message || S.errors.generic));
      pass.control.focus();
    }
  });
  add(root, 
    h('h1', {}, T.title),
    ctx.status.practice ? h('p', { class: 'message warn' }, T.practiceHint) : null,
    form,
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'link', id: 'forgot', onclick: () => ctx.go('recover') }, T.forgot),
      h('button', { type: 'button', class: 'link', id: 'quick-note', onclick: () => ctx.go('quick-note') }, T.quickNote),
      h('button', { type: 'button', class: 'link', id: 'open-handover-file', onclick: () => ctx.go('handover') }, S.receive.openButton)));
  setTimeout(() => pass.control.focus(), 0);
  return {};
}
