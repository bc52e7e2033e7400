// One entry: every field, its exhibits, its history, withdrawing it with a reason, and
// erasing it (for something written by mistake) after a confirmation in the page.

import * as api from '../api.js';
import { S } from '../strings.js';
import { add, h, field, fileName, formatInstant, message, setMessage } from '../dom.js';
import { evidencePanel, exhibitList } from './evidence.js';
import { conversation } from './conversation.js';

export async function render(root, ctx, params = {}) {
  const T = S.detail;
  const L = T.labels;
  const number = params.number;
  const [detail, history] = await Promise.all([api.entry_get(number), api.entry_history(number).catch(() => [])]);
  const { entry } = detail;
  // Imported messages linked to the entry, shown as the conversation they were.
  let messages = [];
  let messagesFailed = null;
  if (entry.messages > 0) {
    try { messages = await api.message_list(number); } catch (err) { messagesFailed = err.message || S.errors.generic; }
  }
  const i = entry.incident;
  const label = (list, key) => (ctx.vocab[list].find((x) => x.key === key) || { label: key }).label;
  const msg = message(params.flash ? params.flashKind || 'ok' : 'error', params.flash || '');

  const rows = [];
  const row = (dt, value) => { if (value !== undefined && value !== null && String(value).trim() !== '') rows.push(h('dt', {}, dt), h('dd', {}, value)); };
  row(L.description, i?.description);
  row(T.when, detail.when);
  row(L.where, i?.location);
  row(L.behaviours, i && i.behaviours.length ? i.behaviours.map((b) => h('span', { class: 'badge' }, label('behaviours', b))) : null);
  row(L.channel, i?.channel ? label('channels', i.channel) : null);
  row(L.channel_detail, i?.channel_detail);
  row(L.who, i?.who);
  row(L.witnesses, i?.witnesses);
  row(L.children, i && i.children_present !== null && i.children_present !== undefined ? T.mb[String(i.children_present)] : null);
  row(L.police, i ? [i.police.date, i.police.reference, i.police.officer].filter(Boolean).join(' · ') : null);
  row(L.response, i?.response);
  row(L.impact, i ? [i.impact.fear_of_violence ? S.form.fear : '', i.impact.alarm_or_distress ? S.form.alarm : '', i.impact.daily_life_changes, i.impact.notes].filter(Boolean).join('\n') : null);
  row(L.order, i?.order_breached);
  row(L.risks, i && i.risks.length ? i.risks.map((r) => h('span', { class: 'badge' }, label('risks', r))) : null);
  const o = i?.online;
  row(L.online, o ? [o.account, o.url, o.posted && `posted ${o.posted}`, o.captured && `captured ${o.captured}`,
    o.reported_to_platform === true ? T.reportedYes(o.platform_reference) : o.reported_to_platform === false ? T.reportedNo : '']
    .filter(Boolean).join(' · ') : null);
  row(L.privateNote, i?.private_note);
  row(T.recorded, formatInstant(entry.recorded_at));
  row(T.amended, entry.amended_at ? formatInstant(entry.amended_at) : null);

  const statusNote = entry.status.status === 'withdrawn' ? h('p', { class: 'message warn' }, T.withdrawn(entry.status.reason))
    : entry.status.status === 'erased' ? h('p', { class: 'message warn' }, T.erased) : null;

  const exhibits = exhibitList(detail.exhibits, {
    onSaveCopy: async (x) => {
      try { setMessage(msg, 'ok', T.savedCopy(fileName(await api.evidence_save_original(x.mark)))); }
      catch (err) { if (err.kind !== 'dialog_cancelled') setMessage(msg, 'error', err.message); }
    },
  });
  const active = entry.status.status === 'active';
  const showExhibit = (mark) => {
    const li = exhibits.ul.querySelector(`li[data-mark="${CSS.escape(mark)}"]`);
    if (!li) return;
    li.setAttribute('tabindex', '-1');
    li.scrollIntoView({ block: 'center' });
    li.focus();
  };
  const panel = active ? evidencePanel({ entry: number, onAttached: ({ said, failed }) => ctx.go('entry-detail', { number, focusMain: false, flash: said || undefined, flashKind: failed ? 'error' : 'ok' }) }) : null;

  const reason = field({ label: T.reason, name: 'reason', as: 'textarea' });
  const withdrawBox = h('form', { class: 'card', hidden: true, id: 'withdraw-form', novalidate: true },
    h('h2', {}, T.withdraw), h('p', {}, T.withdrawIntro), reason.wrap,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, T.confirmWithdraw)));
  withdrawBox.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.entry_withdraw(number, reason.control.value);
      ctx.go('entry-detail', { number });
    } catch (err) { setMessage(msg, 'error', err.message); reason.control.focus(); }
  });

  // Erasing: kept apart at the foot of the page, and confirmed in the page with
  // Cancel focused, so a stray Enter does nothing.
  const eraseButton = h('button', { type: 'button', class: 'danger', id: 'erase-entry' }, T.erase);
  const eraseCancel = h('button', { type: 'button', id: 'erase-cancel' }, T.eraseCancel);
  const eraseConfirm = h('button', { type: 'button', class: 'danger', id: 'erase-confirm' }, T.confirmErase(number));
  const eraseBox = h('div', { class: 'confirm', id: 'erase-confirmation', role: 'group', 'aria-labelledby': 'erase-warning', hidden: true },
    h('p', { class: 'message warn', id: 'erase-warning' }, T.eraseWarn(number)),
    h('div', { class: 'actions' }, eraseCancel, eraseConfirm));
  eraseButton.addEventListener('click', () => { eraseButton.hidden = true; eraseBox.hidden = false; eraseCancel.focus(); });
  eraseCancel.addEventListener('click', () => { eraseBox.hidden = true; eraseButton.hidden = false; eraseButton.focus(); });
  eraseConfirm.addEventListener('click', async () => {
    eraseConfirm.disabled = true;
    try {
      await api.entry_erase(number);
      ctx.go('entry-detail', { number, flash: T.erasedNow(number) });
    } catch (err) {
      eraseConfirm.disabled = false;
      setMessage(msg, 'error', err.message || S.errors.generic);
      eraseCancel.focus();
    }
  });
  const erasable = entry.status.status !== 'erased';

  add(root, 
    h('div', { class: 'page-head' }, h('h1', {}, T.title(number)),
      h('button', { type: 'button', class: 'link', onclick: () => ctx.go('timeline') }, T.back)),
    msg, statusNote,
    entry.written_while_locked ? h('p', { class: 'hint' }, T.lockedNote) : null,
    h('section', { class: 'card', 'aria-label': T.title(number) }, h('dl', { class: 'fields' }, rows)),
    active ? h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', id: 'edit-entry', onclick: () => ctx.go('entry-form', { number }) }, T.edit),
      h('button', { type: 'button', id: 'withdraw', onclick: () => { withdrawBox.hidden = false; reason.control.focus(); } }, T.withdraw)) : null,
    withdrawBox,
    messages.length ? conversation(messages, { onShowExhibit: showExhibit }) : null,
    messagesFailed ? h('p', { class: 'message error', role: 'alert' }, messagesFailed) : null,
    h('section', { class: 'card', 'aria-labelledby': 'exhibits-title' },
      h('h2', { id: 'exhibits-title' }, T.exhibits),
      detail.exhibits.length ? exhibits.ul : h('p', { class: 'muted' }, T.noExhibits),
      panel ? h('h3', {}, T.addEvidence) : null,
      panel ? panel.wrap : null,
      panel ? h('p', { class: 'hint import-link' }, S.imports.fromEvidence, ' ',
        h('button', { type: 'button', class: 'link', id: 'import-from-evidence', onclick: () => ctx.go('import') }, S.imports.open)) : null),
    history.length === 0 ? null : h('section', { class: 'card', 'aria-labelledby': 'history-title' },
      h('h2', { id: 'history-title' }, T.history),
      h('ol', { class: 'revisions', id: 'revisions' }, history.map((r) =>
        h('li', {}, h('strong', {}, T.revision(r.revision)), ' · ', formatInstant(r.saved_at), ' · ', r.when,
          h('p', { class: 'muted' }, r.description))))),
    erasable ? h('section', { class: 'card erase-zone', 'aria-labelledby': 'erase-title', id: 'erase-section' },
      h('h2', { id: 'erase-title' }, T.erase), h('p', {}, T.eraseIntro),
      h('div', { class: 'actions' }, eraseButton), eraseBox) : null);

  return {
    onDropped: panel ? (files) => panel.onDropped(files) : undefined,
    dispose: () => { exhibits.dispose(); panel?.dispose(); },
  };
}
