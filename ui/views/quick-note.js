// A quick note from the lock screen: sealed to the diary's public key at once, not
// readable until the diary is unlocked.

import * as api from '../api.js';
import { S } from '../strings.js';
import { add, h, field, message, setMessage } from '../dom.js';

export function render(root, ctx) {
  const T = S.quickNote;
  const text = field({ label: T.text, hint: T.hint, name: 'note', as: 'textarea', required: true });
  const msg = message('error');
  const button = h('button', { type: 'submit', class: 'primary', id: 'save-note' }, T.save);
  const form = h('form', { class: 'card', novalidate: true }, text.wrap, msg, h('div', { class: 'actions' }, button));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!text.control.value.trim()) { text.control.focus(); return; }
    button.disabled = true;
    try {
      const number = await api.entry_quick_note(text.control.value);
      text.control.value = '';
      setMessage(msg, 'ok', T.saved(number));
    } catch (err) {
      setMessage(msg, 'error', err.message || S.errors.generic);
    } finally {
      button.disabled = false;
    }
  });
  add(root, h('h1', {}, T.title), h('p', {}, T.intro), form,
    h('button', { type: 'button', class: 'link', id: 'back-to-unlock', onclick: () => ctx.go('unlock') }, T.back));
  setTimeout(() => text.control.focus(), 0);
  return {
    // Nothing half-written here is kept: a note is only stored when saved.
    pendingDraft: () => null,
  };
}
