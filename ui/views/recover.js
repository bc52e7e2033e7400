// Forgotten passphrase: the recovery code and a new passphrase.

import * as api from '../api.js';
import { S } from '../strings.js';
import { add, h, field, message, setMessage, tooShort } from '../dom.js';

export function render(root, ctx) {
  const T = S.recover;
  const code = field({ label: T.code, name: 'code', attrs: { autocomplete: 'off', spellcheck: 'false' } });
  const pass = field({ label: T.newPassphrase, hint: S.firstRun.passphraseHint, name: 'new', type: 'password', attrs: { autocomplete: 'new-password' } });
  const confirm = field({ label: T.confirm, name: 'confirm', type: 'password', attrs: { autocomplete: 'new-password' } });
  const msg = message('error');
  const button = h('button', { type: 'submit', class: 'primary', id: 'recover' }, T.submit);
  const form = h('form', { class: 'card', novalidate: true }, code.wrap, pass.wrap, confirm.wrap, msg, h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (tooShort(pass.control.value, ctx.vocab)) { setMessage(msg, 'error', S.firstRun.tooShort(ctx.vocab.passphrase_min_chars)); pass.control.focus(); return; }
    if (pass.control.value !== confirm.control.value) { setMessage(msg, 'error', S.firstRun.mismatch); confirm.control.focus(); return; }
    button.disabled = true;
    try {
      ctx.status = await api.vault_recover(code.control.value, pass.control.value);
      await ctx.go('timeline');
    } catch (err) {
      button.disabled = false;
      setMessage(msg, 'error', err.kind === 'wrong_recovery_code' ? T.wrong : (err.message || S.errors.generic));
      code.control.focus();
    }
  });
  add(root, h('h1', {}, T.title), h('p', {}, T.intro), form,
    h('button', { type: 'button', class: 'link', onclick: () => ctx.go('unlock') }, T.back));
  return {};
}
