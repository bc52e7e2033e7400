// Export: the report, the handover file and the evidence pack, each with a plain
// warning when the output is not encrypted, a native save dialog and a progress bar.
// One date range applies to all three; the report and the handover file have their
// own options.

import * as api from '../api.js';
import { S } from '../strings.js';
import { add, h, field, fileName, checkbox, message, setMessage } from '../dom.js';
import { isoDay } from './timeline.js';

/** Whether `text` is a day that exists (`31/13/2026` has the shape but is not one). */
function realDay(text) {
  const iso = isoDay(text);
  if (!iso) return false;
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}

export function render(root) {
  const T = S.export;
  let running = null;

  const from = field({ label: T.from, hint: T.dateHint, name: 'export-from', attrs: { autocomplete: 'off', inputmode: 'numeric' } });
  const to = field({ label: T.to, hint: T.dateHint, name: 'export-to', attrs: { autocomplete: 'off', inputmode: 'numeric' } });
  const dateMsg = message('error');
  dateMsg.id = 'export-dates-message';
  const dates = h('fieldset', { class: 'section', id: 'export-dates' },
    h('legend', {}, T.dates), h('p', { class: 'section-hint' }, T.datesHint),
    h('div', { class: 'date-range' }, from.wrap, to.wrap), dateMsg);
  const dateControls = { from: from.control, to: to.control };
  for (const c of Object.values(dateControls)) c.addEventListener('input', () => clearDateErrors());

  function clearDateErrors() {
    for (const c of Object.values(dateControls)) c.setAttribute('aria-invalid', 'false');
    setMessage(dateMsg, 'error', '');
  }

  /** An invalid field: mark it, move to it and say what to do, by kind and field. */
  function showInvalid(err, msg, own) {
    const date = dateControls[err.field];
    if (date) {
      date.setAttribute('aria-invalid', 'true');
      setMessage(dateMsg, 'error', realDay(date.value) ? T.badRange : T.badDate);
      setMessage(msg, 'error', T.checkDates);
      date.focus();
      return;
    }
    const control = own[err.field];
    if (control) { control.setAttribute('aria-invalid', 'true'); control.focus(); }
    setMessage(msg, 'error', err.message || S.errors.generic);
  }

  function card(kind, [title, intro], warning, { options = [], extra = [] } = {}) {
    const msg = message('ok');
    const bar = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': `${title}: progress` });
    const stage = h('p', { class: 'hint', 'aria-live': 'polite' });
    const make = h('button', { type: 'button', class: 'primary', id: `make-${kind}` }, T.make(title));
    const cancel = h('button', { type: 'button', hidden: true, id: `cancel-${kind}` }, T.cancel);
    const checks = Object.fromEntries(options.map(([key, label, checked]) =>
      [key, checkbox({ name: `${kind}-${key}`, label, checked })]));
    const own = Object.fromEntries(extra.map(([key, f]) => [key, f.control]));
    make.addEventListener('click', async () => {
      if (running) return;
      const job = Math.floor(Math.random() * 2 ** 31);
      running = job;
      make.disabled = true; cancel.hidden = false; bar.hidden = false; bar.value = 0;
      clearDateErrors();
      for (const c of Object.values(own)) c.setAttribute('aria-invalid', 'false');
      setMessage(msg, 'ok', T.working);
      const options = { from: from.control.value, to: to.control.value, handover_passphrase: own.handover_passphrase?.value || '' };
      for (const [key, c] of Object.entries(checks)) options[key] = c.control.checked;
      try {
        const done = await api.export_run(kind, job, options, (step) => {
          bar.max = Math.max(1, step.total); bar.value = step.done; stage.textContent = T.progress(step.stage, step.done, step.total);
        });
        bar.value = bar.max;
        setMessage(msg, 'ok', T.done(fileName(done.path)));
      } catch (err) {
        bar.hidden = true;
        if (err.kind === 'dialog_cancelled') setMessage(msg, 'ok', '');
        else if (err.kind === 'cancelled') setMessage(msg, 'ok', T.cancelled);
        else if (err.kind === 'invalid_field') showInvalid(err, msg, own);
        else setMessage(msg, 'error', err.message || S.errors.generic);
      } finally {
        running = null; make.disabled = false; cancel.hidden = true; stage.textContent = '';
      }
    });
    cancel.addEventListener('click', () => running && api.export_cancel(running));
    return h('section', { class: 'card', 'aria-labelledby': `${kind}-title`, id: `export-${kind}` },
      h('h2', { id: `${kind}-title` }, title), h('p', {}, intro),
      warning ? h('p', { class: 'message warn' }, warning) : null,
      extra.map(([, f]) => f.wrap),
      options.length ? h('div', { class: 'export-options' }, Object.values(checks).map((c) => c.wrap)) : null,
      h('div', { class: 'actions' }, make, cancel), bar, stage, msg);
  }

  const handoverPass = field({ label: T.handoverPassphrase, hint: T.handoverHint, name: 'handover-passphrase', type: 'password', attrs: { autocomplete: 'new-password' } });
  const withdrawn = ['include_withdrawn', T.includeWithdrawn, true];
  const redact = ['redact_witnesses', T.redactWitnesses, false];
  add(root, h('h1', {}, T.title), h('p', {}, T.intro), dates,
    h('div', { class: 'export-grid' },
      card('report', T.report, T.reportWarn, { options: [withdrawn, redact, ['include_pictures', T.includePictures, true]] }),
      card('handover', T.handover, null, { options: [withdrawn, redact], extra: [['handover_passphrase', handoverPass]] }),
      card('evidence_pack', T.evidencePack, T.packWarn)));
  return { dispose: () => { if (running) api.export_cancel(running).catch(() => {}); } };
}
