// First run: create a diary (passphrase twice, a strength hint, the recovery code
// shown once), or open a practice diary with sample entries.

import * as api from '../api.js';
import { S } from '../strings.js';
import { add, h, field, checkbox, message, setMessage, tooShort } from '../dom.js';
import { restoreCard } from './restore.js';

/** A rough, kind strength hint: words and length matter more than symbols. */
export function strength(text) {
  if (!text) return 'empty';
  const words = text.trim().split(/\s+/).filter((w) => w.length > 1).length;
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9\s]/].filter((r) => r.test(text)).length;
  const score = text.length + words * 4 + kinds * 2;
  if (text.length < 8 || score < 24) return 'weak';
  if (score < 40) return 'fair';
  return 'good';
}

export function render(root, ctx) {
  const T = S.firstRun;
  const pass = field({ label: T.passphrase, hint: T.passphraseHint, name: 'passphrase', type: 'password', attrs: { autocomplete: 'new-password' } });
  const confirm = field({ label: T.confirm, name: 'confirm', type: 'password', attrs: { autocomplete: 'new-password' } });
  const hint = h('p', { class: 'hint strength', id: 'strength', 'aria-live': 'polite' });
  pass.control.setAttribute('aria-describedby', `${pass.control.getAttribute('aria-describedby')} strength`);
  const msg = message('error');
  const createButton = h('button', { type: 'submit', class: 'primary', id: 'create' }, T.create);

  pass.control.addEventListener('input', () => { hint.textContent = T.strength[strength(pass.control.value)]; });

  const form = h('form', { class: 'card', 'aria-labelledby': 'create-title', novalidate: true },
    h('h2', { id: 'create-title' }, T.createTitle),
    pass.wrap, hint, confirm.wrap, msg,
    h('div', { class: 'actions' }, createButton));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const a = pass.control.value;
    if (tooShort(a, ctx.vocab)) { setMessage(msg, 'error', T.tooShort(ctx.vocab.passphrase_min_chars)); pass.control.focus(); return; }
    if (a !== confirm.control.value) { setMessage(msg, 'error', T.mismatch); confirm.control.focus(); return; }
    createButton.disabled = true;
    setMessage(msg, 'ok', T.creating);
    try {
      const { recovery_code } = await api.vault_create(a);
      pass.control.value = ''; confirm.control.value = '';
      ctx.status = await api.vault_status();
      showRecovery(root, ctx, recovery_code);
    } catch (err) {
      createButton.disabled = false;
      setMessage(msg, 'error', err.message || S.errors.generic);
    }
  });

  const practice = h('section', { class: 'card', 'aria-labelledby': 'practice-title' },
    h('h2', { id: 'practice-title' }, T.practiceTitle),
    h('p', {}, T.practiceIntro),
    h('button', { type: 'button', id: 'practice', onclick: async () => {
      ctx.status = await api.vault_practice();
      ctx.go('timeline');
    } }, T.practice));

  const receive = h('section', { class: 'card', 'aria-labelledby': 'receive-title' },
    h('h2', { id: 'receive-title' }, T.otherTitle),
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'open-handover-file', onclick: () => ctx.go('handover') }, S.receive.openButton)));

  add(root, h('h1', {}, T.title), h('p', {}, T.intro), form, restoreCard(ctx), practice, receive);
  return {};
}

function showRecovery(root, ctx, code) {
  const T = S.recovery;
  root.replaceChildren();
  const tick = checkbox({ label: T.tick, name: 'written-down' });
  const next = h('button', { type: 'button', class: 'primary', id: 'continue', disabled: true }, T.continue);
  tick.control.addEventListener('change', () => { next.disabled = !tick.control.checked; });
  next.addEventListener('click', () => {
    codeEl.textContent = '';
    ctx.go('timeline');
  });
  const codeEl = h('p', { class: 'recovery-code', id: 'recovery-code' }, code);
  add(root, 
    h('h1', { tabindex: '-1' }, T.title),
    h('p', {}, T.intro),
    codeEl,
    h('p', { class: 'message warn' }, T.advice),
    tick.wrap,
    h('div', { class: 'actions' }, next));
  root.querySelector('h1').focus();
}
