// Export: the report, the handover file and the evidence pack, each with a plain
// warning when the output is not encrypted, a native save dialog and a progress bar.

import * as api from '../api.js';
import { S } from '../strings.js';
import { add, h, field, checkbox, message, setMessage } from '../dom.js';

export function render(root) {
  const T = S.export;
  let running = null;

  function card(kind, [title, intro], warning, extra = []) {
    const msg = message('ok');
    const bar = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': `${title}: progress` });
    const stage = h('p', { class: 'hint', 'aria-live': 'polite' });
    const make = h('button', { type: 'button', class: 'primary', id: `make-${kind}` }, T.make(title));
    const cancel = h('button', { type: 'button', hidden: true, id: `cancel-${kind}` }, T.cancel);
    const exclude = checkbox({ name: `exclude-${kind}`, label: T.excludeWithdrawn });
    const extras = extra.map((f) => f.wrap);
    make.addEventListener('click', async () => {
      if (running) return;
      const job = Math.floor(Math.random() * 2 ** 31);
      running = job;
      make.disabled = true; cancel.hidden = false; bar.hidden = false; bar.value = 0;
      setMessage(msg, 'ok', T.working);
      const options = { exclude_withdrawn: exclude.control.checked, handover_passphrase: extra[0]?.control.value || '' };
      try {
        const done = await api.export_run(kind, job, options, (step) => {
          bar.max = Math.max(1, step.total); bar.value = step.done; stage.textContent = T.progress(step.stage, step.done, step.total);
        });
        bar.value = bar.max;
        setMessage(msg, 'ok', T.done(done.path));
      } catch (err) {
        bar.hidden = true;
        if (err.kind === 'dialog_cancelled') setMessage(msg, 'ok', '');
        else if (err.kind === 'cancelled') setMessage(msg, 'ok', T.cancelled);
        else if (err.kind === 'not_available') setMessage(msg, 'error', T.notAvailable);
        else setMessage(msg, 'error', err.message || S.errors.generic);
      } finally {
        running = null; make.disabled = false; cancel.hidden = true; stage.textContent = '';
      }
    });
    cancel.addEventListener('click', () => running && api.export_cancel(running));
    return h('section', { class: 'card', 'aria-labelledby': `${kind}-title`, id: `export-${kind}` },
      h('h2', { id: `${kind}-title` }, title), h('p', {}, intro),
      warning ? h('p', { class: 'message warn' }, warning) : null,
      extras, kind === 'evidence_pack' ? null : exclude.wrap,
      h('div', { class: 'actions' }, make, cancel), bar, stage, msg);
  }

  const handoverPass = field({ label: T.handoverPassphrase, hint: T.handoverHint, name: 'handover-passphrase', type: 'password', attrs: { autocomplete: 'new-password' } });
  add(root, h('h1', {}, T.title), h('p', {}, T.intro),
    h('div', { class: 'export-grid' },
      card('report', T.report, T.reportWarn),
      card('handover', T.handover, null, [handoverPass]),
      card('evidence_pack', T.evidencePack, T.packWarn)));
  return { dispose: () => { if (running) api.export_cancel(running).catch(() => {}); } };
}
