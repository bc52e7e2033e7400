// Export: the report, the handover file and the evidence pack, each with a plain
// warning when the output is not encrypted, a native save dialog and a progress bar.
// One date range applies to all three; the report and the handover file have their
// own options.

import * as api from '../api.js';
import { S } from '../strings.js';
import { add, h, field, fileName, checkbox, message, sentence, setMessage } from '../dom.js';

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
      // The core read the days; its message says what is wrong with them.
      setMessage(dateMsg, 'error', sentence(err.message) || S.errors.generic);
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
    const preview = h('div', { class: 'card preview', hidden: true, id: `preview-${kind}`, 'aria-live': 'polite' });
    const readOptions = () => {
      const options = {
        from: from.control.value, to: to.control.value,
        handover_passphrase: own.handover_passphrase?.value || '',
        handover_key: own.handover_key?.value || '',
        given_to: own.given_to?.value || '',
      };
      for (const [key, c] of Object.entries(checks)) options[key] = c.control.checked;
      return options;
    };
    const resetErrors = () => {
      clearDateErrors();
      for (const c of Object.values(own)) c.setAttribute('aria-invalid', 'false');
    };
    const fail = (err) => {
      bar.hidden = true;
      if (err.kind === 'dialog_cancelled') setMessage(msg, 'ok', '');
      else if (err.kind === 'cancelled') setMessage(msg, 'ok', T.cancelled);
      else if (err.kind === 'invalid_field') showInvalid(err, msg, own);
      else setMessage(msg, 'error', err.message || S.errors.generic);
    };
    // First what will go out (and what will be kept out), then the person confirms.
    make.addEventListener('click', async () => {
      if (running) return;
      resetErrors();
      setMessage(msg, 'ok', '');
      try {
        const p = await api.export_preview(kind, readOptions());
        const kept = Object.values(p.kept_out).reduce((a, b) => a + b, 0);
        const lines = [
          T.previewEntries(p.entries.length, kind === 'statement' ? 0 : p.exhibits.length, kind === 'statement' ? 0 : p.messages),
          kept ? T.previewKeptOut(kept) : T.previewNothingKept,
          p.private_notes_excluded ? T.previewNotes(p.private_notes_excluded) : null,
          p.positions_left_out ? T.previewPositions(p.positions_left_out) : null,
          kind !== 'statement' ? T.previewWithdrawn(p.withdrawn_included) : null,
        ].filter(Boolean);
        const confirm = h('button', { type: 'button', class: 'primary', id: `confirm-${kind}` }, T.confirm);
        const back = h('button', { type: 'button', id: `back-${kind}` }, T.back);
        preview.replaceChildren(...[h('h3', {}, T.previewTitle),
          h('ul', {}, lines.map((line) => h('li', {}, line))),
          p.flagged_exhibits.length ? h('p', { class: 'message warn' }, T.previewFlagged(p.flagged_exhibits.join(', '))) : null,
          h('div', { class: 'actions' }, confirm, back)].filter(Boolean));
        preview.hidden = false;
        make.hidden = true;
        back.addEventListener('click', () => { preview.hidden = true; make.hidden = false; make.focus(); });
        confirm.addEventListener('click', () => { preview.hidden = true; make.hidden = false; produce(); });
        confirm.focus();
      } catch (err) { fail(err); }
    });
    async function produce() {
      if (running) return;
      const job = Math.floor(Math.random() * 2 ** 31);
      running = job;
      make.disabled = true; cancel.hidden = false; bar.hidden = false; bar.value = 0;
      resetErrors();
      setMessage(msg, 'ok', T.working);
      try {
        const done = await api.export_run(kind, job, readOptions(), (step) => {
          bar.max = Math.max(1, step.total); bar.value = step.done; stage.textContent = T.progress(step.stage, step.done, step.total);
        });
        bar.value = bar.max;
        setMessage(msg, 'ok', T.done(fileName(done.path)));
      } catch (err) {
        fail(err);
      } finally {
        running = null; make.disabled = false; cancel.hidden = true; stage.textContent = '';
      }
    }
    cancel.addEventListener('click', () => running && api.export_cancel(running));
    return h('section', { class: 'card', 'aria-labelledby': `${kind}-title`, id: `export-${kind}` },
      h('h2', { id: `${kind}-title` }, title), h('p', {}, intro),
      warning ? h('p', { class: 'message warn' }, warning) : null,
      extra.map(([, f]) => f.wrap),
      options.length ? h('div', { class: 'export-options' }, Object.values(checks).map((c) => c.wrap)) : null,
      h('div', { class: 'actions' }, make, cancel), preview, bar, stage, msg);
  }

  const handoverPass = field({ label: T.handoverPassphrase, hint: T.handoverHint, name: 'handover-passphrase', type: 'password', attrs: { autocomplete: 'new-password' } });
  const handoverKey = field({ label: T.handoverKey, hint: T.handoverKeyHint, name: 'handover-key', attrs: { autocomplete: 'off', spellcheck: 'false' } });
  const givenTo = (kind) => field({ label: T.givenTo, hint: T.givenToHint, name: `${kind}-given-to`, attrs: { autocomplete: 'off' } });
  const withdrawn = ['include_withdrawn', T.includeWithdrawn, true];
  const redact = ['redact_witnesses', T.redactWitnesses, false];
  const notes = ['include_private_notes', T.includePrivateNotes, false];
  add(root, h('h1', {}, T.title), h('p', {}, T.intro), dates,
    h('div', { class: 'export-grid' },
      card('report', T.report, T.reportWarn, { options: [withdrawn, redact, ['include_pictures', T.includePictures, true], notes], extra: [['given_to', givenTo('report')]] }),
      card('statement', T.statement, T.statementWarn, { options: [notes], extra: [['given_to', givenTo('statement')]] }),
      card('handover', T.handover, null, { options: [withdrawn, redact, notes], extra: [['handover_passphrase', handoverPass], ['handover_key', handoverKey], ['given_to', givenTo('handover')]] }),
      card('evidence_pack', T.evidencePack, T.packWarn, { options: [['batch', T.batch, false]], extra: [['given_to', givenTo('evidence_pack')]] })));
  return { dispose: () => { if (running) api.export_cancel(running).catch(() => {}); } };
}
