// Restoring a backup: on the first-run screen (a new computer) and in Settings (to
// replace this diary, after a confirmation that says what will be replaced). The
// backup is chosen in the shell's own dialog; the passphrase is the one the diary had
// when the backup was made, or the recovery code and a new passphrase.

import * as api from '../api.js';
import { S } from '../strings.js';
import { h, field, checkbox, message, setMessage, tooShort } from '../dom.js';

/** The restore card. `replacing` is true when a diary is open here (Settings). */
export function restoreCard(ctx, { replacing = false } = {}) {
  const T = S.restore;
  const pass = field({ label: T.passphrase, hint: T.passphraseHint, name: 'restore-passphrase', type: 'password', attrs: { autocomplete: 'off' } });
  const useCode = checkbox({ name: 'restore-use-code', label: T.useCode });
  const code = field({ label: T.code, hint: T.codeHint, name: 'restore-code', attrs: { autocomplete: 'off', spellcheck: 'false' } });
  code.wrap.hidden = true;
  useCode.control.addEventListener('change', () => {
    code.wrap.hidden = !useCode.control.checked;
    pass.wrap.querySelector('label').textContent = useCode.control.checked ? T.newPassphrase : T.passphrase;
  });
  const msg = message('ok');
  const go = h('button', { type: 'button', id: 'restore-backup' }, T.choose);
  const confirmBox = h('div', { class: 'message warn', hidden: true, id: 'restore-confirm' });
  let confirmed = false;

  async function run() {
    const withCode = useCode.control.checked;
    if (withCode && tooShort(pass.control.value, ctx.vocab)) {
      setMessage(msg, 'error', S.firstRun.tooShort(ctx.vocab.passphrase_min_chars)); pass.control.focus(); return;
    }
    go.disabled = true;
    setMessage(msg, 'ok', T.working);
    try {
      ctx.status = await api.vault_restore(pass.control.value, withCode ? code.control.value : '', replacing || confirmed);
      pass.control.value = ''; code.control.value = '';
      ctx.go('timeline', { flash: T.done });
    } catch (err) {
      if (err.kind === 'vault_exists' && !confirmed) {
        // Never over an existing diary without saying so first.
        const yes = h('button', { type: 'button', class: 'primary', id: 'restore-replace' }, T.replace);
        confirmBox.replaceChildren(h('p', {}, T.confirm(err.message)), h('div', { class: 'actions' }, yes));
        confirmBox.hidden = false;
        yes.addEventListener('click', () => { confirmed = true; confirmBox.hidden = true; run(); });
        setMessage(msg, 'ok', '');
      } else if (err.kind === 'dialog_cancelled') setMessage(msg, 'ok', '');
      else if (err.kind === 'wrong_passphrase') setMessage(msg, 'error', T.wrongPassphrase);
      else if (err.kind === 'wrong_recovery_code') setMessage(msg, 'error', T.wrongCode);
      else setMessage(msg, 'error', err.message || S.errors.generic);
    } finally {
      go.disabled = false;
    }
  }
  go.addEventListener('click', run);
  return h('section', { class: 'card', 'aria-labelledby': 'restore-title', id: 'restore-card' },
    h('h2', { id: 'restore-title' }, replacing ? T.titleReplace : T.title),
    h('p', {}, replacing ? T.introReplace : T.intro),
    pass.wrap, useCode.wrap, code.wrap, confirmBox, msg, h('div', { class: 'actions' }, go));
}
