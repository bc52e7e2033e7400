// Timeline: entries newest first, grouped by month, with instant search and filters.
// At 10,000 entries the filter runs over a precomputed lower-case text and only the
// first rows are drawn; more are drawn as the list scrolls.

import * as api from '../api.js';
import { S } from '../strings.js';
import { add, h, clear, field, message, sentence, setMessage } from '../dom.js';

const PAGE_ROWS = 60;

export async function render(root, ctx) {
  const T = S.timeline;
  const labels = Object.fromEntries(ctx.vocab.behaviours.map((b) => [b.key, b.label]));
  const search = field({ label: T.search, hint: T.searchHint, name: 'search', type: 'search', attrs: { id: 'search', autocomplete: 'off' } });
  search.control.id = 'search';
  search.wrap.querySelector('label').setAttribute('for', 'search');
  const from = field({ label: T.from, hint: T.dateHint, name: 'from', attrs: { autocomplete: 'off', inputmode: 'numeric' } });
  const to = field({ label: T.to, name: 'to', attrs: { autocomplete: 'off', inputmode: 'numeric' } });
  const behaviour = field({ label: T.behaviour, name: 'behaviour', as: 'select',
    options: [['', T.anyBehaviour], ...ctx.vocab.behaviours.map((b) => [b.key, b.label])] });
  const count = h('p', { class: 'timeline-count', id: 'entry-count', 'aria-live': 'polite' });
  const dateMsg = message('error');
  dateMsg.id = 'timeline-dates-message';
  const msg = message('error');
  const list = h('div', { id: 'timeline-list' });
  const more = h('button', { type: 'button', id: 'show-more', hidden: true }, T.more);
  const held = h('section', { id: 'held-notes', class: 'notice', hidden: true, 'aria-live': 'polite' });

  add(root, 
    h('div', { class: 'page-head' }, h('h1', {}, T.title),
      h('div', { class: 'head-actions' },
        h('button', { type: 'button', id: 'import-messages', onclick: () => ctx.go('import') }, S.imports.open),
        h('button', { type: 'button', class: 'primary', id: 'new-entry', onclick: () => ctx.go('entry-form') }, S.nav.newEntry))),
    held,
    h('div', { class: 'filters', role: 'search' }, search.wrap, from.wrap, to.wrap, behaviour.wrap),
    dateMsg, count, msg, list, h('div', { class: 'actions' }, more));

  async function showHeld() {
    let notes = [];
    try { notes = await api.note_held_list(); } catch { notes = []; }
    clear(held);
    held.hidden = notes.length === 0;
    if (!notes.length) return;
    const status = message('status');
    add(held, h('h2', {}, T.held(notes.length)), h('p', {}, T.heldIntro), status,
      h('ul', { class: 'held-list' }, notes.map((note) => h('li', { 'data-id': note.id },
        h('p', { class: 'snippet' }, note.description),
        h('p', { class: 'hint' }, T.heldWritten(note.written), ' ', T.heldWhy(note.reason)),
        h('div', { class: 'actions' },
          note.written ? h('button', { type: 'button', class: 'keep-note', onclick: async () => {
            try { const n = await api.note_keep(note.id); ctx.go('entry-detail', { number: n }); }
            catch (err) { setMessage(status, 'error', err.message || S.errors.generic); }
          } }, T.heldKeep) : null,
          h('button', { type: 'button', class: 'discard-note', onclick: async () => {
            try { await api.note_discard(note.id); setMessage(status, 'status', T.heldDiscarded); await showHeld(); }
            catch (err) { setMessage(status, 'error', err.message || S.errors.generic); }
          } }, T.heldDiscard))))));
  }
  await showHeld();

  let rows = [];
  try {
    rows = await api.entry_list();
  } catch (err) {
    setMessage(msg, 'error', err.message || S.errors.generic);
  }
  // Keep only what is drawn and searched: a short snippet, and the lower-case text
  // the core says a search looks in (the same for the command line and exports).
  for (const r of rows) {
    r.haystack = r.search;
    r.snippet = r.text.split('\n', 1)[0].slice(0, 200);
    delete r.text;
    delete r.search;
  }

  let matches = rows;
  let drawn = 0;
  let lastMonth = null;
  let currentList = null;

  function card(r) {
    const badges = r.behaviours.map((b) => h('span', { class: 'badge' }, labels[b] || b));
    if (r.status !== 'active') badges.unshift(h('span', { class: 'badge status' }, r.status === 'withdrawn' ? T.withdrawn : T.erased));
    if (r.written_while_locked) badges.push(h('span', { class: 'badge' }, T.lockedNote));
    const snippet = r.snippet;
    return h('li', {},
      h('button', { type: 'button', class: 'entry-card', 'data-number': r.number, onclick: () => ctx.go('entry-detail', { number: r.number }) },
        h('span', { class: 'line1' },
          h('span', { class: 'number' }, T.number(r.number)),
          h('span', { class: 'when' }, r.when),
          r.location ? h('span', { class: 'where' }, r.location) : null),
        snippet ? h('span', { class: 'snippet' }, snippet) : null,
        h('span', { class: 'meta' }, badges,
          r.exhibits ? h('span', { class: 'exhibit-count' }, ' ', T.exhibits(r.exhibits)) : null,
          r.messages ? [r.exhibits ? ' · ' : ' ', h('span', { class: 'message-count' }, T.messages(r.messages))] : null)));
  }

  function drawMore() {
    const end = Math.min(drawn + PAGE_ROWS, matches.length);
    const frag = document.createDocumentFragment();
    for (let i = drawn; i < end; i++) {
      const r = matches[i];
      if (r.month !== lastMonth) {
        lastMonth = r.month;
        const id = `month-${i}`;
        frag.append(h('h2', { class: 'month', id }, r.month));
        currentList = h('ol', { class: 'entries', 'aria-labelledby': id });
        frag.append(currentList);
      }
      currentList.append(card(r));
    }
    list.append(frag);
    drawn = end;
    more.hidden = drawn >= matches.length;
  }

  // The typed days as the core read them (ISO; null for no limit). Each row's day is
  // the core's too (`select::entry_day`), so comparing them is all that is left here.
  let days = { from: null, to: null };
  let asked = 0;
  async function readDays(quiet) {
    const mine = ++asked;
    let error = null;
    try {
      const range = await api.day_range(from.control.value, to.control.value);
      if (mine !== asked) return;
      days = range;
    } catch (err) {
      if (mine !== asked) return;
      // While a day is being typed it limits nothing; it is pointed out once the
      // person leaves the field (or presses Enter).
      days = { from: null, to: null };
      error = err;
    }
    if (!quiet || !error) {
      for (const c of [from.control, to.control]) c.setAttribute('aria-invalid', 'false');
      const bad = error && { from: from.control, to: to.control }[error.field];
      if (bad) bad.setAttribute('aria-invalid', 'true');
      setMessage(dateMsg, 'error', error ? sentence(error.message) || S.errors.generic : '');
    }
    apply();
  }

  function apply() {
    const words = search.control.value.toLowerCase().split(/\s+/).filter(Boolean);
    const f = days.from;
    const t = days.to;
    const b = behaviour.control.value;
    matches = rows.filter((r) =>
      (!f || r.day >= f) && (!t || r.day <= t) && (!b || r.behaviours.includes(b)) &&
      words.every((w) => r.haystack.includes(w)));
    clear(list);
    drawn = 0; lastMonth = null; currentList = null;
    if (rows.length === 0) list.append(h('p', { class: 'empty' }, T.empty));
    else if (matches.length === 0) list.append(h('p', { class: 'empty' }, T.noMatch, ' ',
      h('button', { type: 'button', class: 'link', onclick: () => { search.control.value = ''; from.control.value = ''; to.control.value = ''; behaviour.control.value = ''; readDays(false); } }, T.clear)));
    drawMore();
    count.textContent = T.count(matches.length, rows.length);
  }

  search.control.addEventListener('input', apply);
  for (const c of [from.control, to.control]) {
    c.addEventListener('input', () => readDays(true));
    c.addEventListener('change', () => readDays(false));
  }
  behaviour.control.addEventListener('change', apply);
  more.addEventListener('click', drawMore);
  const observer = new IntersectionObserver((seen) => {
    if (seen.some((e) => e.isIntersecting) && drawn < matches.length) drawMore();
  }, { rootMargin: '600px' });
  observer.observe(more);
  apply();
  // Days typed while the list was loading.
  if (from.control.value.trim() || to.control.value.trim()) readDays(false);

  return { dispose: () => observer.disconnect() };
}
