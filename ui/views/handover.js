// Opening a handover file someone has sent (for a support worker, or anyone checking
// one): choose the file, open it with its passphrase or this diary's receiving key,
// check every byte with progress and Cancel, then read it. The case is read-only:
// pictures are made in memory, and an original or the report is written only where
// the person chooses to save it.

import * as api from '../api.js';
import { S } from '../strings.js';
import { add, h, clear, field, fileName, formatBytes, formatInstant, message, sentence, setMessage } from '../dom.js';

/** Entries of a case drawn at a time (more as the list scrolls). */
const CASE_PAGE_ROWS = 100;

export function render(root, ctx, params = {}) {
  const T = S.receive;
  let picked = null;   // { token, name }
  let openId = null;   // the open case's id
  let job = null;      // the running check
  const urls = [];
  let observer = null; // draws more of the case's list as it scrolls

  const msg = message('error');
  const chosen = h('p', { class: 'name', id: 'handover-name' });
  const pass = field({ label: T.passphrase, hint: T.passphraseHint, name: 'handover-passphrase', type: 'password', attrs: { autocomplete: 'off' } });
  const openButton = h('button', { type: 'submit', class: 'primary', id: 'open-handover' }, T.open);
  const keyButton = ctx.status.unlocked
    ? h('button', { type: 'button', id: 'open-with-key' }, T.useKey) : null;
  const keyForm = h('form', { class: 'card', id: 'handover-key-form', hidden: true, novalidate: true },
    chosen, pass.wrap,
    h('div', { class: 'actions' }, openButton, keyButton),
    ctx.status.unlocked ? null : h('p', { class: 'hint' }, T.keyNeedsDiary));
  const chooseButton = h('button', { type: 'button', class: 'primary', id: 'choose-handover' }, T.choose);

  const barLabel = h('p', { class: 'name', id: 'check-name' }, T.checking);
  const bar = h('progress', { id: 'check-bar', max: 1, value: 0, 'aria-labelledby': 'check-name' });
  const cancelButton = h('button', { type: 'button', id: 'cancel-check' }, T.cancel);
  const progressBox = h('div', { class: 'attach-progress', id: 'check-progress', hidden: true },
    barLabel, bar, h('div', { class: 'actions' }, cancelButton));

  const result = h('div', { id: 'handover-result' });
  const start = h('section', { class: 'card', 'aria-labelledby': 'choose-title' },
    h('h2', { id: 'choose-title' }, T.chooseTitle), h('p', {}, T.intro),
    h('div', { class: 'actions' }, chooseButton));

  function forget() {
    observer?.disconnect();
    observer = null;
    for (const u of urls.splice(0)) URL.revokeObjectURL(u);
    if (openId !== null) api.handover_close(openId).catch(() => {});
    openId = null;
  }

  chooseButton.addEventListener('click', async () => {
    try {
      picked = await api.handover_pick();
      forget();
      clear(result);
      chosen.textContent = T.chosen(fileName(picked.name));
      keyForm.hidden = false;
      setMessage(msg, 'error', '');
      pass.control.focus();
    } catch (err) {
      if (err.kind !== 'dialog_cancelled') setMessage(msg, 'error', err.message || S.errors.generic);
    }
  });

  async function open(passphrase) {
    if (!picked) return;
    job = Math.floor(Math.random() * 2 ** 31);
    openButton.disabled = true; if (keyButton) keyButton.disabled = true;
    chooseButton.disabled = true;
    cancelButton.disabled = false;
    bar.max = 1; bar.value = 0;
    progressBox.hidden = false;
    setMessage(msg, 'status', '');
    clear(result);
    try {
      const opened = await api.handover_open(picked.token, passphrase, job, (step) => {
        bar.max = Math.max(1, step.total); bar.value = step.done;
      });
      pass.control.value = '';
      keyForm.hidden = true;
      if (opened.passed && opened.id !== null) {
        openId = opened.id;
        await showCase(opened);
      } else {
        showFailure(opened);
      }
    } catch (err) {
      const said = err.kind === 'wrong_passphrase' ? T.wrongPassphrase
        : err.kind === 'cancelled' ? T.cancelled
        : err.message || S.errors.generic;
      // A file refused while it was being opened failed the check too.
      if (err.kind === 'bundle' || err.kind === 'tampered') { keyForm.hidden = true; showFailure({ failure: err.message }); }
      else setMessage(msg, err.kind === 'cancelled' ? 'status' : 'error', said);
      if (err.kind === 'wrong_passphrase') { pass.control.value = ''; pass.control.focus(); }
    } finally {
      job = null;
      progressBox.hidden = true;
      openButton.disabled = false; if (keyButton) keyButton.disabled = false;
      chooseButton.disabled = false;
    }
  }

  keyForm.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!pass.control.value) { pass.control.focus(); return; }
    open(pass.control.value);
  });
  keyButton?.addEventListener('click', () => open(null));
  cancelButton.addEventListener('click', () => {
    if (job === null) return;
    cancelButton.disabled = true;
    api.handover_cancel(job).catch(() => {});
  });

  function showFailure(opened) {
    add(result, h('section', { class: 'card', id: 'handover-failed', 'aria-labelledby': 'failed-title' },
      h('h2', { id: 'failed-title' }, T.failedTitle),
      h('p', { class: 'message error', role: 'alert', id: 'handover-failure' }, opened.failure || T.failedUnknown),
      h('p', {}, T.failedNext)));
    result.querySelector('h2').setAttribute('tabindex', '-1');
    result.querySelector('h2').focus();
  }

  async function showCase(opened) {
    const contents = await api.handover_contents(opened.id);
    const id = opened.id;
    const caseMsg = message('ok');
    caseMsg.id = 'case-message';
    const summary = h('p', { class: 'message ok', role: 'status', id: 'handover-summary' },
      T.allMatch(opened.files, opened.fingerprint, formatInstant(opened.created_at)));
    const facts = h('dl', { class: 'facts', id: 'handover-facts' });
    const fact = (dt, dd) => { if (dd !== null && dd !== undefined && dd !== '') facts.append(h('dt', {}, dt), h('dd', {}, dd)); };
    fact(T.file, fileName(opened.name));
    fact(T.made, formatInstant(opened.created_at));
    fact(T.fingerprint, h('code', {}, opened.fingerprint));
    fact(T.version, opened.daybook_version);
    fact(T.counts, T.countsText(opened.entries, opened.exhibits));
    if (opened.date_from || opened.date_to) fact(T.dates, T.datesText(opened.date_from, opened.date_to));
    fact(T.witnesses, opened.redacted_witnesses ? T.witnessesLeftOut : T.witnessesIncluded);
    // The pattern at a glance: how many entries record each kind of behaviour.
    const tally = new Map();
    for (const r of contents.entries) {
      for (const b of r.entry.incident?.behaviours || []) tally.set(b, (tally.get(b) || 0) + 1);
    }
    const label = (key) => (ctx.vocab.behaviours.find((b) => b.key === key) || { label: key }).label;
    fact(T.summaryLabel, [...tally.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${label(k)}: ${n}`).join(' · '));

    const reportButton = opened.has_report
      ? h('button', { type: 'button', id: 'save-report', onclick: async () => {
        try {
          const saved = await api.handover_save_report(id);
          setMessage(caseMsg, 'ok', T.savedAt(fileName(saved.path), saved.sha256));
        } catch (err) { if (err.kind !== 'dialog_cancelled') setMessage(caseMsg, 'error', err.message || S.errors.generic); }
      } }, T.saveReport) : null;
    // Opening it in the system's viewer needs a readable copy on disk: say so, and
    // where, before writing anything.
    const openWarn = h('div', { class: 'message warn', id: 'open-report-warning', hidden: true, role: 'alert' });
    const openReportButton = opened.has_report
      ? h('button', { type: 'button', id: 'open-report', onclick: async () => {
        try {
          const place = await api.handover_open_report(id, false);
          const confirm = h('button', { type: 'button', class: 'primary', id: 'open-report-confirm', onclick: async () => {
            openWarn.hidden = true;
            try {
              const copy = await api.handover_open_report(id, true);
              setMessage(caseMsg, 'warn', T.reportOpened(copy.path));
            } catch (err) { setMessage(caseMsg, 'error', err.message || S.errors.generic); }
            openReportButton.focus();
          } }, T.openReportConfirm);
          const cancel = h('button', { type: 'button', id: 'open-report-cancel', onclick: () => {
            openWarn.hidden = true; openReportButton.focus();
          } }, T.openReportCancel);
          openWarn.replaceChildren(h('p', {}, T.openReportWarn(place.path)), h('div', { class: 'actions' }, confirm, cancel));
          openWarn.hidden = false;
          setMessage(caseMsg, 'ok', '');
          confirm.focus();
        } catch (err) { setMessage(caseMsg, 'error', err.message || S.errors.generic); }
      } }, T.openReport) : null;
    const closeButton = h('button', { type: 'button', id: 'close-handover', onclick: () => {
      forget(); clear(result); picked = null; chosen.textContent = '';
      setMessage(msg, 'status', T.closed); chooseButton.focus();
    } }, T.close);

    const search = field({ label: T.search, name: 'handover-search', type: 'search', attrs: { autocomplete: 'off' } });
    const from = field({ label: T.dateFrom, hint: T.dateHint, name: 'handover-from', attrs: { autocomplete: 'off', inputmode: 'numeric' } });
    const to = field({ label: T.dateTo, hint: T.dateHint, name: 'handover-to', attrs: { autocomplete: 'off', inputmode: 'numeric' } });
    const dateMsg = message('error');
    dateMsg.id = 'handover-dates-message';
    let days = { from: null, to: null };   // ISO days, as the core read them
    let asked = 0;
    const behaviour = field({ label: T.behaviourFilter, name: 'handover-behaviour', as: 'select',
      options: [['', T.anyBehaviour], ...[...tally.keys()].map((k) => [k, label(k)])] });
    const list = h('ul', { class: 'case-entries', id: 'case-entries' });
    const shownCount = h('p', { class: 'hint', id: 'case-count', 'aria-live': 'polite' });
    const detail = h('div', { id: 'case-entry' });
    const exhibitsByMark = new Map(contents.exhibits.map((x) => [x.mark, x]));

    // What a search looks in: the core's text for each entry (the fields the diary's
    // own search covers, in every wording), made once when the case was opened.
    const haystacks = new Map(contents.entries.map((r) => [r, r.search]));
    // Only the first rows are drawn; more as the list scrolls (as the timeline does),
    // so a case of thousands of entries answers each keystroke at once.
    let hits = [];
    let drawn = 0;
    const more = h('button', { type: 'button', id: 'case-more', hidden: true, onclick: () => drawMore() }, S.timeline.more);
    function drawMore() {
      const end = Math.min(drawn + CASE_PAGE_ROWS, hits.length);
      const frag = document.createDocumentFragment();
      for (const r of hits.slice(drawn, end)) {
        const text = r.entry.incident ? r.entry.incident.description : T.erasedEntry;
        frag.append(h('li', {}, h('button', { type: 'button', class: 'link case-entry-link', 'data-number': r.entry.number,
          onclick: () => showEntry(r) },
        h('strong', {}, T.entryTitle(r.entry.number)), ' ', r.when ? `${r.when} — ` : '', text.length > 120 ? `${text.slice(0, 120)}…` : text)));
      }
      list.append(frag);
      drawn = end;
      more.hidden = drawn >= hits.length;
    }
    function drawList() {
      const q = search.control.value.trim().toLowerCase();
      const b = behaviour.control.value;
      const terms = q ? q.split(/\s+/) : [];
      hits = contents.entries.filter((r) => terms.every((t) => haystacks.get(r).includes(t))
        && (!b || (r.entry.incident?.behaviours || []).includes(b))
        && (!days.from || r.day >= days.from) && (!days.to || r.day <= days.to));
      clear(list);
      drawn = 0;
      drawMore();
      shownCount.textContent = T.shown(hits.length, contents.entries.length);
    }
    observer?.disconnect();
    observer = new IntersectionObserver((seen) => {
      if (seen.some((e) => e.isIntersecting) && drawn < hits.length) drawMore();
    }, { rootMargin: '600px' });
    // The typed days are read by the core (its one rule for days); the list keeps
    // entries whose day, also the core's, is in the range.
    async function readDays(quiet) {
      const mine = ++asked;
      try {
        const range = await api.day_range(from.control.value, to.control.value);
        if (mine !== asked) return;
        days = range;
        for (const c of [from.control, to.control]) c.setAttribute('aria-invalid', 'false');
        setMessage(dateMsg, 'error', '');
      } catch (err) {
        if (mine !== asked) return;
        // While a day is being typed it limits nothing; it is pointed out once the
        // person leaves the field (or presses Enter).
        days = { from: null, to: null };
        drawList();
        if (quiet) return;
        for (const c of [from.control, to.control]) c.setAttribute('aria-invalid', 'false');
        if (err.field === 'from' || err.field === 'to') (err.field === 'from' ? from : to).control.setAttribute('aria-invalid', 'true');
        setMessage(dateMsg, 'error', sentence(err.message) || S.errors.generic);
        return;
      }
      drawList();
    }
    search.control.addEventListener('input', drawList);
    behaviour.control.addEventListener('change', drawList);
    for (const c of [from.control, to.control]) {
      c.addEventListener('input', () => readDays(true));
      c.addEventListener('change', () => readDays(false));
    }

    function showEntry(r) {
      clear(detail);
      const e = r.entry;
      const status = e.status.status === 'withdrawn' ? h('p', { class: 'message warn' }, S.detail.withdrawn(e.status.reason))
        : e.status.status === 'erased' ? h('p', { class: 'message warn' }, S.detail.erased) : null;
      const wordings = r.revisions.slice().reverse().map((w, i) => {
        const idx = r.revisions.length - 1 - i;
        return h('section', { class: 'wording' },
          h('h4', {}, T.wording(w.revision, formatInstant(w.saved_at), idx === r.revisions.length - 1)),
          h('dl', { class: 'facts' },
            ...pair(T.when, r.wordings_when[idx]),
            ...pair(S.detail.labels.description, w.incident.description),
            ...pair(S.detail.labels.where, w.incident.location),
            ...pair(S.detail.labels.who, w.incident.who),
            ...pair(S.detail.labels.witnesses, w.incident.witnesses),
            ...pair(S.detail.labels.channel_detail, w.incident.channel_detail),
            ...pair(S.detail.labels.response, w.incident.response)));
      });
      const exMsg = message('ok');
      const exList = h('ul', { class: 'exhibits', id: 'case-exhibits' });
      for (const mark of e.exhibits) {
        const x = exhibitsByMark.get(mark);
        if (!x) continue;
        const img = h('img', { alt: T.pictureOf(x.mark, fileName(x.original_name)), hidden: true });
        exList.append(h('li', { class: 'exhibit', 'data-mark': x.mark }, img,
          h('p', { class: 'mark' }, x.mark),
          h('p', { class: 'name' }, fileName(x.original_name)),
          h('p', { class: 'hint' }, `${formatBytes(x.size)}${x.erased_at ? ` · ${T.erasedExhibit}` : ''}`),
          h('p', { class: 'hint sha' }, 'SHA-256 ', h('code', {}, x.sha256)),
          x.erased_at ? null : h('button', { type: 'button', class: 'save-original', onclick: async () => {
            try {
              const saved = await api.handover_save_original(id, x.mark);
              setMessage(exMsg, 'ok', T.savedAt(fileName(saved.path), saved.sha256));
            } catch (err) { if (err.kind !== 'dialog_cancelled') setMessage(exMsg, 'error', err.message || S.errors.generic); }
          } }, S.detail.saveCopy(x.mark))));
        if (!x.erased_at && x.media_type.startsWith('image/')) {
          api.handover_thumbnail(id, x.mark).then((buf) => {
            if (!buf || buf.byteLength === 0) return;
            const url = URL.createObjectURL(new Blob([buf], { type: 'image/jpeg' }));
            urls.push(url); img.src = url; img.hidden = false;
          }).catch(() => {});
        }
      }
      const msgs = messagesFor(contents.messages, e.number);
      add(detail, h('section', { class: 'card', 'aria-labelledby': 'case-entry-title' },
        h('h3', { id: 'case-entry-title', tabindex: '-1' }, T.entryTitle(e.number)),
        status,
        h('p', { class: 'hint' }, T.recorded(formatInstant(e.recorded_at), r.revisions.length)),
        ...wordings,
        e.exhibits.length ? [h('h4', {}, T.exhibits), h('p', { class: 'hint' }, T.notEncrypted), exList, exMsg] : null,
        msgs.length ? [h('h4', {}, T.messages), h('ul', { class: 'case-messages' }, msgs.map((m) => h('li', {}, m)))] : null));
      detail.querySelector('h3').focus();
    }

    add(result,
      summary,
      h('section', { class: 'card', 'aria-labelledby': 'cover-title' },
        h('h2', { id: 'cover-title' }, T.coverTitle), facts, caseMsg,
        h('div', { class: 'actions' }, reportButton, openReportButton, closeButton), openWarn),
      h('section', { class: 'card', 'aria-labelledby': 'entries-title' },
        h('h2', { id: 'entries-title' }, T.entriesTitle), search.wrap, behaviour.wrap,
        h('div', { class: 'date-range', id: 'handover-dates' }, from.wrap, to.wrap), dateMsg, shownCount, list,
        h('div', { class: 'actions' }, more)),
      detail);
    drawList();
    observer.observe(more);
    summary.setAttribute('tabindex', '-1');
    summary.focus();
  }

  add(root, h('h1', {}, T.title), start, keyForm, progressBox, msg, result,
    ctx.status.unlocked ? null : h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'link', id: 'handover-back', onclick: () => ctx.go(ctx.status.exists ? 'unlock' : 'first-run') }, T.back)));
  // Started with a handover file: it is already chosen; ask for its passphrase.
  if (params.picked) {
    picked = params.picked;
    chosen.textContent = T.chosen(fileName(picked.name));
    keyForm.hidden = false;
    pass.control.focus();
  }
  return { dispose: () => { if (job !== null) api.handover_cancel(job).catch(() => {}); forget(); } };
}

function pair(dt, dd) {
  return dd === undefined || dd === null || String(dd).trim() === '' ? [] : [h('dt', {}, dt), h('dd', {}, dd)];
}

/** Imported messages linked to entry `number`, as lines of text, from the handover's
 * messages.json (`{format: "daybook-messages", messages: [{at, from, text, entry…}]}`,
 * docs/handover-format.md). */
function messagesFor(messages, number) {
  const items = Array.isArray(messages?.messages) ? messages.messages : [];
  return items.filter((m) => m && m.entry === number)
    .map((m) => [m.at || '', m.from || '', m.text || ''].filter(Boolean).join(' — '));
}
