// Small DOM helpers: build elements without innerHTML (so user text is never parsed
// as markup), and a few form-field shapes used by every view.

let uid = 0;
export const nextId = (prefix = 'f') => `${prefix}-${++uid}`;

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = !!value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Whether a passphrase is shorter than the core's rule (`vocab.passphrase_min_chars`),
 * counted in characters as the core counts them, not UTF-16 units. */
export function tooShort(text, vocab) {
  return [...text].length < vocab.passphrase_min_chars;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** A labelled text input (or textarea/select via `as`), with an optional hint. */
export function field({ label, hint, name, value = '', as = 'input', type = 'text', required = false, options, attrs = {} }) {
  const id = nextId(name || 'field');
  const hintId = hint ? `${id}-hint` : undefined;
  let control;
  if (as === 'select') {
    control = h('select', { id, name, 'aria-describedby': hintId, ...attrs },
      options.map(([v, text]) => h('option', { value: v, selected: v === value ? true : undefined }, text)));
  } else if (as === 'textarea') {
    control = h('textarea', { id, name, 'aria-describedby': hintId, required, ...attrs });
    control.value = value;
  } else {
    control = h('input', { id, name, type, value, 'aria-describedby': hintId, required, ...attrs });
  }
  const wrap = h('div', { class: 'field' },
    h('label', { for: id }, label, required ? h('span', { class: 'required' }, ' (needed)') : null),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    control);
  return { wrap, control };
}

export function checkbox({ label, name, checked = false, value }) {
  const id = nextId(name || 'check');
  const control = h('input', { type: 'checkbox', id, name, value, checked });
  return { wrap: h('div', { class: 'check' }, control, h('label', { for: id }, label)), control };
}

export function message(kind = 'error', text = '') {
  return h('div', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

export function setMessage(el, kind, text) {
  el.className = `message ${kind}`;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  el.textContent = text || '';
}

/** A message from the core (`lower case, no full stop`, as its errors are written)
 * shown as a sentence: a capital first letter and a full stop. Display only. */
export function sentence(text) {
  const t = String(text || '').trim();
  if (!t) return '';
  const capital = t[0].toUpperCase() + t.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

/** Formats an RFC 3339 instant for people, in this computer's zone. */
export function formatInstant(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return d.toLocaleString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** A time from a phone's export as a day: `2024-03-12T07:12:05` (the phone's own
 * clock, no zone) → `12/03/2024`; an instant (ending in Z) in this computer's zone. */
export function phoneDay(when) {
  if (!when) return '';
  if (/Z$/.test(when)) {
    const d = new Date(when);
    return Number.isNaN(d.getTime()) ? '' : d.toLocaleDateString('en-GB');
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(when);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

export function formatBytes(n) {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(1)} GB`;
}

// Characters that reorder the text around them (bidirectional embeddings, overrides,
// isolates and marks), and control characters. A file name such as
// "photo\u202Egpj.exe" would otherwise be drawn as "photoexe.jpg".
const DISGUISING = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** A file name (or path) as it may be shown: every disguising character replaced by a
 * visible <U+202E>, the same form the report and the command line use. */
export function fileName(name) {
  return String(name ?? '').replace(DISGUISING,
    (c) => `<U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
}

/** `parent.append` that skips empty children (null, undefined, false). */
export function add(parent, ...children) {
  append(parent, children);
  return parent;
}
