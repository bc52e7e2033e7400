// Settings: exhibit initials, names for the report cover, auto-lock, backups, the
// quick-exit key, and changing the passphrase.

import * as api from '../api.js';
import { S } from '../strings.js';
import { add, h, field, message, setMessage, tooShort, fileName } from '../dom.js';
import { restoreCard } from './restore.js';

export async function render(root, ctx) {
  const T = S.settings;
  const s = await api.settings_get();
  const info = await api.vault_info().catch(() => null);
  const msg = message('ok');
  const initials = field({ label: T.initials, hint: T.initialsHint, name: 'initials', value: s.initials, attrs: { maxlength: 4, autocomplete: 'off' } });
  const keeper = field({ label: T.keeper, hint: T.optional, name: 'keeper', value: s.keeper_name });
  const responsible = field({ label: T.responsible, hint: T.optional, name: 'responsible', value: s.responsible_name });
  const autoLock = field({ label: T.autoLock, hint: T.autoLockHint, name: 'auto-lock', type: 'number', value: String(s.auto_lock_minutes), attrs: { min: 1, max: 1440 } });
  const backupDir = field({ label: T.backupDir, hint: T.backupHint, name: 'backup-dir', value: s.backup_dir || '', attrs: { readonly: true, placeholder: T.noBackup } });
  const keep = field({ label: T.backupsToKeep, name: 'keep', type: 'number', value: String(s.backups_to_keep), attrs: { min: 1, max: 100 } });
  const batchFiles = field({ label: T.batchFiles, hint: T.batchHint, name: 'pack-batch-files', type: 'number', value: String(s.pack_batch_files), attrs: { min: 1, max: 10000 } });
  const batchMb = field({ label: T.batchMb, name: 'pack-batch-mb', type: 'number', value: String(Math.round(s.pack_batch_bytes / 1e6)), attrs: { min: 1 } });
  const key = field({ label: T.quickExitKey, name: 'quick-exit-key', as: 'select', value: s.quick_exit_key,
    options: Object.entries(T.keys) });

  const form = h('form', { class: 'card', novalidate: true, id: 'settings-form' },
    initials.wrap, keeper.wrap, responsible.wrap, autoLock.wrap, backupDir.wrap,
    // The folder is chosen in the shell's own dialog and kept there at once: the
    // page never names a folder itself.
    h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'choose-backup', onclick: async () => {
        try {
          const saved = await api.settings_pick_backup_dir();
          backupDir.control.value = saved.backup_dir || '';
          ctx.settings = saved;
          setMessage(msg, 'ok', T.backupChosen);
        } catch (err) { if (err.kind !== 'dialog_cancelled') setMessage(msg, 'error', err.message); }
      } }, T.chooseFolder),
      h('button', { type: 'button', id: 'forget-backup', onclick: async () => {
        try {
          const saved = await api.settings_forget_backup_dir();
          backupDir.control.value = '';
          ctx.settings = saved;
          setMessage(msg, 'ok', T.backupForgotten);
        } catch (err) { setMessage(msg, 'error', err.message || S.errors.generic); }
      } }, T.forgetFolder)),
    keep.wrap, key.wrap, batchFiles.wrap, batchMb.wrap, msg,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, T.save)));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const saved = await api.settings_save({
        initials: initials.control.value.trim(),
        keeper_name: keeper.control.value,
        responsible_name: responsible.control.value,
        auto_lock_minutes: Number(autoLock.control.value),
        backups_to_keep: Number(keep.control.value),
        quick_exit_key: key.control.value,
        zone: s.zone,
        pack_batch_files: Number(batchFiles.control.value),
        pack_batch_bytes: Math.round(Number(batchMb.control.value) * 1e6),
      });
      ctx.settings = saved;
      ctx.setQuickExitKey?.(saved.quick_exit_key);
      setMessage(msg, 'ok', T.saved);
    } catch (err) {
      setMessage(msg, 'error', err.message || S.errors.generic);
    }
  });

  const cur = field({ label: T.current, name: 'current', type: 'password', attrs: { autocomplete: 'current-password' } });
  const next = field({ label: T.newPass, hint: S.firstRun.passphraseHint, name: 'new', type: 'password', attrs: { autocomplete: 'new-password' } });
  const again = field({ label: T.confirm, name: 'again', type: 'password', attrs: { autocomplete: 'new-password' } });
  const passMsg = message('ok');
  const passForm = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'pass-title' },
    h('h2', { id: 'pass-title' }, T.passTitle), cur.wrap, next.wrap, again.wrap, passMsg,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, T.change)));
  passForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (tooShort(next.control.value, ctx.vocab)) { setMessage(passMsg, 'error', S.firstRun.tooShort(ctx.vocab.passphrase_min_chars)); return; }
    if (next.control.value !== again.control.value) { setMessage(passMsg, 'error', S.firstRun.mismatch); return; }
    try {
      await api.vault_change_passphrase(cur.control.value, next.control.value);
      for (const f of [cur, next, again]) f.control.value = '';
      setMessage(passMsg, 'ok', T.changed);
    } catch (err) {
      setMessage(passMsg, 'error', err.kind === 'wrong_passphrase' ? S.errors.wrong_passphrase : (err.message || S.errors.generic));
    }
  });

  // The keep-out list: one phrase a line, and places as "latitude, longitude, metres".
  const keepMsg = message('ok');
  const phrases = field({ label: T.keepOutPhrases, hint: T.keepOutPhrasesHint, name: 'keep-out', as: 'textarea',
    value: (s.keep_out || []).join('\n'), attrs: { spellcheck: 'false', autocomplete: 'off' } });
  const places = field({ label: T.keepOutPlaces, hint: T.keepOutPlacesHint, name: 'keep-out-places', as: 'textarea',
    value: (s.keep_out_places || []).map((p) => `${p.lat}, ${p.lon}, ${p.radius_m}`).join('\n'), attrs: { spellcheck: 'false', autocomplete: 'off' } });
  const keepForm = h('form', { class: 'card', novalidate: true, id: 'keep-out-form', 'aria-labelledby': 'keep-title' },
    h('h2', { id: 'keep-title' }, T.keepOutTitle), h('p', { class: 'hint' }, T.keepOutIntro),
    phrases.wrap, places.wrap, keepMsg,
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'save-keep-out' }, T.keepOutSave)));
  keepForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    phrases.control.setAttribute('aria-invalid', 'false');
    places.control.setAttribute('aria-invalid', 'false');
    const lines = (text) => text.split('\n').map((l) => l.trim()).filter(Boolean);
    const read = [];
    for (const line of lines(places.control.value)) {
      const [lat, lon, radius] = line.split(',').map((x) => Number(x.trim()));
      if (![lat, lon].every(Number.isFinite)) {
        places.control.setAttribute('aria-invalid', 'true'); places.control.focus();
        setMessage(keepMsg, 'error', T.keepOutPlaceBad(line)); return;
      }
      read.push({ lat, lon, radius_m: Number.isFinite(radius) ? radius : 500 });
    }
    try {
      const saved = await api.keep_out_save(lines(phrases.control.value), read);
      ctx.settings = saved;
      phrases.control.value = saved.keep_out.join('\n');
      setMessage(keepMsg, 'ok', T.keepOutSaved(saved.keep_out.length, saved.keep_out_places.length));
    } catch (err) {
      const control = err.field === 'keep_out_place' ? places.control : phrases.control;
      control.setAttribute('aria-invalid', 'true'); control.focus();
      setMessage(keepMsg, 'error', err.message || S.errors.generic);
    }
  });

  const checkMsg = message('status');
  const checkList = h('ul', { class: 'hint', id: 'check-list' });
  const checkButton = h('button', { type: 'button', id: 'check-diary' }, T.check);
  const checkBar = h('progress', { id: 'check-diary-bar', max: 1, value: 0, 'aria-label': T.checking, hidden: true });
  const checkCancel = h('button', { type: 'button', id: 'cancel-check-diary', hidden: true }, S.receive.cancel);
  let checkJob = null;
  checkCancel.addEventListener('click', () => {
    if (checkJob === null) return;
    checkCancel.disabled = true;
    api.vault_check_cancel(checkJob).catch(() => {});
  });
  checkButton.addEventListener('click', async () => {
    checkButton.disabled = true;
    setMessage(checkMsg, 'status', T.checking);
    checkList.replaceChildren();
    checkJob = Math.floor(Math.random() * 2 ** 31);
    checkBar.value = 0; checkBar.hidden = false;
    checkCancel.disabled = false; checkCancel.hidden = false;
    try {
      const r = await api.vault_check(checkJob, (step) => {
        checkBar.max = Math.max(1, step.total); checkBar.value = step.done;
      });
      if (r.ok) {
        setMessage(checkMsg, 'ok', T.checkOk);
        checkList.append(...r.checked.map((c) => h('li', {}, c)),
          h('li', {}, `${T.fingerprint}: `, h('code', {}, r.fingerprint || '')));
      } else {
        const where = T.checkWhere(r.entry, r.exhibit);
        setMessage(checkMsg, 'error', `${T.checkProblem} ${where ? `${where}: ` : ''}${r.problem || ''}`);
        checkList.append(h('li', {}, T.checkNext));
      }
    } catch (err) {
      if (err.kind === 'cancelled') setMessage(checkMsg, 'status', T.checkCancelled);
      else setMessage(checkMsg, 'error', err.message || S.errors.generic);
    } finally {
      checkJob = null;
      checkBar.hidden = true; checkCancel.hidden = true;
      checkButton.disabled = false;
      checkButton.focus();
    }
  });
  const checkCard = h('section', { class: 'card', 'aria-labelledby': 'check-title' },
    h('h2', { id: 'check-title' }, T.checkTitle), h('p', { class: 'hint' }, T.checkIntro),
    checkBar, checkMsg, checkList, h('div', { class: 'actions' }, checkButton, checkCancel));

  // A support worker's key for receiving handover files.
  const R = S.receiving;
  const keyMsg = message('ok');
  const keyText = h('code', { id: 'receiving-key' }, '');
  const makeKey = h('button', { type: 'button', id: 'make-receiving-key' }, R.make);
  const copyKey = h('button', { type: 'button', id: 'copy-receiving-key', hidden: true }, R.copy);
  const sheet = h('button', { type: 'button', id: 'receiving-key-sheet', hidden: true }, R.sheet);
  const showKey = (k) => { keyText.textContent = k || ''; makeKey.hidden = !!k; copyKey.hidden = !k; sheet.hidden = !k; };
  api.receiving_key_get().then(showKey).catch(() => {});
  makeKey.addEventListener('click', async () => {
    try { showKey(await api.receiving_key_make()); } catch (err) { setMessage(keyMsg, 'error', err.message || S.errors.generic); }
  });
  copyKey.addEventListener('click', async () => {
    try { await navigator.clipboard.writeText(keyText.textContent); setMessage(keyMsg, 'ok', R.copied); }
    catch { const r = document.createRange(); r.selectNodeContents(keyText); getSelection().removeAllRanges(); getSelection().addRange(r); }
  });
  sheet.addEventListener('click', async () => {
    try { setMessage(keyMsg, 'ok', R.sheetSaved(fileName(await api.receiving_key_sheet()))); }
    catch (err) { if (err.kind !== 'dialog_cancelled') setMessage(keyMsg, 'error', err.message || S.errors.generic); }
  });
  const keyCard = h('section', { class: 'card', 'aria-labelledby': 'receiving-title', id: 'receiving-card' },
    h('h2', { id: 'receiving-title' }, R.title), h('p', { class: 'hint' }, R.intro),
    h('p', {}, keyText), keyMsg, h('div', { class: 'actions' }, makeKey, copyKey, sheet));

  add(root, h('h1', {}, T.title), form, keepForm, passForm, checkCard, keyCard, ctx.status?.practice ? null : restoreCard(ctx, { replacing: true }),
    info ? h('section', { class: 'card', 'aria-labelledby': 'about-title' },
      h('h2', { id: 'about-title' }, T.about),
      h('p', {}, T.counts(info.entries, info.exhibits)),
      info.fingerprint ? h('p', {}, `${T.fingerprint}: `, h('code', {}, info.fingerprint)) : null) : null,
    await aboutCard());
  return {};
}

/// The version and every licence: Daybook's, the report fonts', and the other
/// software built into it (generated from the build, grouped by licence).
async function aboutCard() {
  const A = S.about;
  const about = await api.app_about().catch(() => null);
  if (!about) return null;
  const byLicence = new Map();
  for (const c of about.third_party.crates) {
    if (!byLicence.has(c.licence)) byLicence.set(c.licence, []);
    byLicence.get(c.licence).push(`${c.name} ${c.version}`);
  }
  const groups = [...byLicence.entries()].sort((a, b) => b[1].length - a[1].length);
  return h('section', { class: 'card', 'aria-labelledby': 'about-daybook-title', id: 'about-daybook' },
    h('h2', { id: 'about-daybook-title' }, A.title),
    h('p', {}, A.version(about.version)),
    h('p', {}, A.licence(about.licence)),
    h('p', {}, A.fonts(about.fonts.map((f) => f.name), about.fonts[0]?.licence || '')),
    h('details', { id: 'third-party' },
      h('summary', {}, A.thirdParty(about.third_party.crates.length)),
      h('p', { class: 'hint' }, A.thirdPartyHint),
      h('dl', {}, ...groups.flatMap(([licence, crates]) => [
        h('dt', {}, `${licence} (${crates.length})`),
        h('dd', {}, crates.join(', ')),
      ]))));
}
