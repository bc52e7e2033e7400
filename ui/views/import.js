// Import messages: a phone's export (a WhatsApp chat, an SMS backup or a call log)
// chosen with the native dialog or dropped on the window, the people in it with
// their counts, who it is about (ticked), optional dates and zone, the day order
// only when the chat leaves it open, then the import with progress and Cancel, and
// what it made. The shell holds the file; this screen only has its token.

import * as api from '../api.js';
import { S } from '../strings.js';
import { add, h, clear, field, checkbox, fileName, formatBytes, message, phoneDay, sentence, setMessage } from '../dom.js';

/** How many problems the result lists before it only counts them. */
const PROBLEMS_SHOWN = 5;
/** Progress appears only when the import takes more than a moment. */
const SHOW_AFTER_MS = 300;

export function render(root, ctx) {
  const T = S.imports;
  let file = null;     // the staged export: { token, name, size }
  let summary = null;  // the dry run of it
  let running = null;  // the job id while importing

  // 1. The file.
  const choose = h('button', { type: 'button', id: 'import-choose' }, T.choose);
  const chosen = h('p', { class: 'name', id: 'import-file', hidden: true });
  const found = h('p', { class: 'hint', id: 'import-found', 'aria-live': 'polite' });
  const fileMsg = message('error');
  fileMsg.id = 'import-file-message';
  const zone = h('div', { class: 'dropzone import-drop' },
    h('div', { class: 'row' }, choose, h('p', { class: 'hint' }, T.dropHint)),
    chosen, found);
  const fileSection = h('section', { class: 'card', id: 'import-file-section', 'aria-labelledby': 'import-file-title' },
    h('h2', { id: 'import-file-title' }, T.fileTitle),
    h('p', { class: 'section-hint' }, T.fileHint),
    zone, fileMsg);

  // 2. Who it is about.
  const people = h('div', { class: 'people', id: 'import-people' });
  const peopleMsg = message('error');
  peopleMsg.id = 'import-people-message';
  const peopleSet = h('fieldset', { class: 'section', id: 'import-people-section', 'aria-describedby': 'import-people-hint' },
    h('legend', {}, T.peopleTitle),
    h('p', { class: 'section-hint', id: 'import-people-hint' }, T.peopleHint),
    people, peopleMsg);

  // 3. The day order, only when every date could be read either way.
  const orderName = 'import-day-order';
  const radio = (value, label) => {
    const id = `${orderName}-${value}`;
    return h('div', { class: 'check' },
      h('input', { type: 'radio', name: orderName, id, value }),
      h('label', { for: id }, label));
  };
  const orderMsg = message('error');
  orderMsg.id = 'import-order-message';
  const orderSet = h('fieldset', { class: 'section', id: 'import-order-section', 'aria-describedby': 'import-order-hint' },
    h('legend', {}, T.orderTitle),
    h('p', { class: 'section-hint', id: 'import-order-hint' }, T.orderHint),
    radio('day-first', T.dayFirst), radio('month-first', T.monthFirst), orderMsg);
  const orderChosen = () => orderSet.querySelector(`input[name=${orderName}]:checked`)?.value || '';

  // 4. Dates, zone and how the file was obtained.
  const from = field({ label: T.from, hint: T.dateHint, name: 'import-from', attrs: { autocomplete: 'off', inputmode: 'numeric' } });
  const to = field({ label: T.to, hint: T.dateHint, name: 'import-to', attrs: { autocomplete: 'off', inputmode: 'numeric' } });
  const dateMsg = message('error');
  dateMsg.id = 'import-dates-message';
  const zoneField = field({ label: T.zone, hint: T.zoneHint, name: 'import-zone', attrs: { autocomplete: 'off', spellcheck: 'false' } });
  const zoneMsg = message('error');
  zoneMsg.id = 'import-zone-message';
  const how = field({ label: T.how, hint: T.howHint, name: 'import-how', attrs: { autocomplete: 'off' } });
  const optionsSet = h('fieldset', { class: 'section', id: 'import-options-section' },
    h('legend', {}, T.optionsTitle),
    h('p', { class: 'section-hint' }, T.optionsHint),
    h('div', { class: 'date-range' }, from.wrap, to.wrap), dateMsg,
    zoneField.wrap, zoneMsg, how.wrap);

  // 5. Import, with progress and Cancel.
  const run = h('button', { type: 'button', class: 'primary', id: 'import-run' }, T.run);
  const stage = h('p', { class: 'name', id: 'import-stage' });
  const bar = h('progress', { id: 'import-bar', max: 1, value: 0, 'aria-labelledby': 'import-stage' });
  const count = h('p', { class: 'hint', id: 'import-count' });
  const cancel = h('button', { type: 'button', id: 'import-cancel' }, T.cancel);
  const progressBox = h('div', { class: 'attach-progress', id: 'import-progress', hidden: true },
    stage, bar, count, h('div', { class: 'actions' }, cancel));
  const runMsg = message('error');
  runMsg.id = 'import-message';
  const runBox = h('div', { id: 'import-run-section' }, h('div', { class: 'actions' }, run), progressBox, runMsg);

  const form = h('div', { id: 'import-form', hidden: true }, peopleSet, orderSet, optionsSet, runBox);

  // 6. What the import made.
  const result = h('section', { class: 'card', id: 'import-result', 'aria-labelledby': 'import-result-title', hidden: true });

  add(root,
    h('div', { class: 'page-head' }, h('h1', {}, T.title),
      h('button', { type: 'button', class: 'link', onclick: () => ctx.go('timeline') }, S.detail.back)),
    h('p', {}, T.intro),
    fileSection, form, result);

  /** Clears every message and highlighted control. */
  function clearErrors() {
    for (const m of [fileMsg, peopleMsg, orderMsg, dateMsg, zoneMsg, runMsg]) setMessage(m, 'error', '');
    for (const c of [from.control, to.control, zoneField.control]) c.setAttribute('aria-invalid', 'false');
  }

  function personBox(p, ticked) {
    const span = p.first && p.last ? T.span(phoneDay(p.first), phoneDay(p.last)) : '';
    const box = checkbox({
      name: 'import-person',
      value: p.shown,
      checked: ticked,
      label: [h('span', { class: 'who' }, p.shown || S.messages.unnamed),
        h('span', { class: 'hint person-counts' }, [T.personLine(p), span].filter(Boolean).join(' · '))],
    });
    box.wrap.classList.add('person');
    return box.wrap;
  }

  function ticked() {
    return [...people.querySelectorAll('input[name=import-person]:checked')].map((c) => c.value);
  }

  /** Shows the dry run: what the file is, and who is in it (keeping ticks). */
  function showSummary(s, keep = []) {
    summary = s;
    const label = T.format[s.format] || s.format;
    found.textContent = `${label}: ${T.found(s.format, s.messages, s.media)}`;
    clear(people);
    if (s.people.length === 0) {
      setMessage(peopleMsg, 'error', T.nobody);
    } else {
      add(people, s.people.map((p) => personBox(p, keep.includes(p.shown))));
    }
    run.disabled = s.people.length === 0;
    orderSet.hidden = s.day_order !== 'ambiguous';
    if (!zoneField.control.value) zoneField.control.value = s.zone;
    form.hidden = false;
    result.hidden = true;
  }

  async function forget() {
    if (file) api.evidence_unstage(file.token).catch(() => {});
    file = null;
    summary = null;
  }

  /** Takes a staged file (picked or dropped) and shows its dry run. */
  async function take(staged) {
    if (running !== null) {
      api.evidence_unstage(staged.token).catch(() => {});
      return;
    }
    await forget();
    clearErrors();
    file = staged;
    zoneField.control.value = '';
    for (const r of orderSet.querySelectorAll('input')) r.checked = false;
    chosen.hidden = false;
    chosen.textContent = T.chosen(fileName(staged.name), formatBytes(staged.size));
    found.textContent = T.reading(fileName(staged.name));
    form.hidden = true;
    result.hidden = true;
    choose.textContent = T.chooseAnother;
    try {
      showSummary(await api.import_summary(staged.token));
    } catch (err) {
      found.textContent = '';
      await forget();
      const unreadable = err.kind === 'import' || err.kind === 'file_unreadable';
      setMessage(fileMsg, 'error', unreadable ? T.unreadable(err.message) : err.message || S.errors.generic);
      choose.focus();
    }
  }

  choose.addEventListener('click', async () => {
    try {
      await take(await api.import_pick());
    } catch (err) {
      if (err.kind !== 'dialog_cancelled') setMessage(fileMsg, 'error', err.message || S.errors.generic);
    }
  });

  // A drag from another web page gives bytes, not a file Daybook can keep whole.
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    setMessage(fileMsg, 'error', T.pasted);
  });

  // With an ambiguous chat, the times of each person appear once the order is known.
  orderSet.addEventListener('change', async () => {
    setMessage(orderMsg, 'error', '');
    if (!file) return;
    try {
      showSummary(await api.import_summary(file.token, orderChosen()), ticked());
    } catch (err) {
      setMessage(orderMsg, 'error', err.message || S.errors.generic);
    }
  });

  for (const c of [from.control, to.control]) c.addEventListener('input', () => { c.setAttribute('aria-invalid', 'false'); setMessage(dateMsg, 'error', ''); });
  zoneField.control.addEventListener('input', () => { zoneField.control.setAttribute('aria-invalid', 'false'); setMessage(zoneMsg, 'error', ''); });
  people.addEventListener('change', () => setMessage(peopleMsg, 'error', ''));

  /** Moves to a control and brings its whole group into view (a plain focus
   * would leave the group's heading under the sticky header). */
  function pointAt(group, control) {
    if (!control) return;
    control.focus({ preventScroll: true });
    group.scrollIntoView({ block: 'center' });
  }

  /** Points at the part of the screen a refusal is about, by field. */
  function showInvalid(err) {
    if (err.field === 'person') {
      setMessage(peopleMsg, 'error', T.tickSomeone);
      pointAt(peopleSet, people.querySelector('input'));
    } else if (err.field === 'day_order') {
      orderSet.hidden = false;
      setMessage(orderMsg, 'error', T.chooseOrder);
      pointAt(orderSet, orderSet.querySelector('input'));
    } else if (err.field === 'from' || err.field === 'to') {
      const c = err.field === 'from' ? from.control : to.control;
      c.setAttribute('aria-invalid', 'true');
      setMessage(dateMsg, 'error', sentence(err.message) || S.errors.generic);
      pointAt(c.closest('.date-range'), c);
    } else if (err.field === 'zone') {
      zoneField.control.setAttribute('aria-invalid', 'true');
      setMessage(zoneMsg, 'error', T.badZone);
      pointAt(zoneField.wrap, zoneField.control);
      return;
    } else {
      setMessage(runMsg, 'error', err.message || S.errors.generic);
      return;
    }
    setMessage(runMsg, 'error', T.checkAbove);
  }

  run.addEventListener('click', async () => {
    if (running !== null || !file) return;
    clearErrors();
    const who = ticked();
    if (who.length === 0) { showInvalid({ field: 'person' }); return; }
    if (summary?.day_order === 'ambiguous' && !orderChosen()) { showInvalid({ field: 'day_order' }); return; }
    const job = Math.floor(Math.random() * 2 ** 31);
    running = job;
    run.disabled = true;
    choose.disabled = true;
    cancel.disabled = false;
    stage.textContent = T.working;
    bar.max = 1; bar.value = 0; count.textContent = '';
    const reveal = setTimeout(() => { progressBox.hidden = false; progressBox.scrollIntoView({ block: 'nearest' }); }, SHOW_AFTER_MS);
    const choice = {
      people: who,
      from: from.control.value.trim(),
      to: to.control.value.trim(),
      day_order: summary?.day_order === 'ambiguous' ? orderChosen() : '',
      zone: zoneField.control.value.trim(),
      how: how.control.value.trim(),
    };
    let done = null;
    try {
      done = await api.import_run(file.token, choice, job, (step) => {
        stage.textContent = T.stage[step.stage] || T.working;
        bar.max = Math.max(1, step.total); bar.value = step.done;
        count.textContent = step.stage === 'bytes'
          ? T.progress(formatBytes(step.done), formatBytes(step.total))
          : T.progress(step.done, step.total);
      });
    } catch (err) {
      if (err.kind === 'cancelled') setMessage(runMsg, 'ok', T.cancelled);
      else if (err.kind === 'invalid_field') showInvalid(err);
      else if (err.kind === 'import' || err.kind === 'file_unreadable') { setMessage(fileMsg, 'error', T.unreadable(err.message)); setMessage(runMsg, 'error', T.checkAbove); }
      else setMessage(runMsg, 'error', err.message || S.errors.generic);
    } finally {
      clearTimeout(reveal);
      const hadFocus = progressBox.contains(document.activeElement);
      progressBox.hidden = true;
      running = null;
      run.disabled = false;
      choose.disabled = false;
      if (hadFocus) run.focus();
    }
    if (done) showResult(done);
  });

  cancel.addEventListener('click', () => {
    if (running === null) return;
    cancel.disabled = true;
    api.import_cancel(running).catch(() => {});
  });

  /** What the import made, with a way to each new entry. */
  function showResult(r) {
    file = null; // the shell has let go of it
    summary = null;
    form.hidden = true;
    chosen.hidden = true;
    found.textContent = '';
    choose.textContent = T.choose;
    clear(result);
    const lines = [];
    if (r.entries.length) lines.push(h('p', { class: 'message ok', role: 'status', id: 'import-done' }, T.done(r)));
    else lines.push(h('p', { class: 'message ok', role: 'status', id: 'import-done' }, T.nothingNew(r.people)));
    if (r.already_present) lines.push(h('p', { id: 'import-already' }, T.already(r.already_present)));
    if (r.media) lines.push(h('p', {}, T.media(r.media)));
    if (r.left_in_original) lines.push(h('p', { class: 'muted' }, T.leftOut(r.left_in_original)));
    if (r.problems.length) {
      lines.push(h('p', {}, T.problems),
        h('ul', { class: 'problems' }, r.problems.slice(0, PROBLEMS_SHOWN).map((p) => h('li', {}, T.problem(p))),
          r.problems.length > PROBLEMS_SHOWN ? h('li', {}, T.moreProblems(r.problems.length - PROBLEMS_SHOWN)) : null));
    }
    add(result,
      h('h2', { id: 'import-result-title', tabindex: '-1' }, T.resultTitle),
      lines,
      r.entries.length ? h('h3', {}, T.entriesTitle) : null,
      r.entries.length ? h('ul', { class: 'entry-links', id: 'import-entries' }, r.entries.map((number) =>
        h('li', {}, h('button', { type: 'button', class: 'link', 'data-number': number, onclick: () => ctx.go('entry-detail', { number }) }, T.entry(number))))) : null,
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', id: 'import-see-entries', onclick: () => ctx.go('timeline') }, T.seeAll),
        h('button', { type: 'button', id: 'import-another', onclick: () => { result.hidden = true; choose.focus(); } }, T.another)));
    result.hidden = false;
    result.querySelector('h2').focus();
  }

  return {
    onDropped: (files) => {
      const [first, ...rest] = files;
      for (const f of rest) api.evidence_unstage(f.token).catch(() => {});
      if (!first) return;
      take(first).then(() => { if (rest.length && file) setMessage(fileMsg, 'ok', T.oneFile); });
    },
    dispose: () => {
      if (running !== null) api.import_cancel(running).catch(() => {});
      forget();
    },
  };
}
