// Evidence: add files by button (native dialog), by dropping them on the window, or
// by pasting a screenshot. Pasted bytes go to the shell raw, never as base64. In a
// form the files wait ("staged") until the entry is saved; on an entry's page they
// are attached at once. Also draws exhibit thumbnails with their marks.

import * as api from '../api.js';
import { S } from '../strings.js';
import { h, clear, field, fileName, formatBytes, message, setMessage } from '../dom.js';

/** Turns an EXIF-style capture time into the form's date and time. */
export function captureToForm(capture) {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})/.exec(capture || '');
  return m ? { date: `${m[3]}/${m[2]}/${m[1]}`, time: `${m[4]}:${m[5]}` } : null;
}

/**
 * The evidence section. `entry` is the entry number when attaching at once, or null
 * in a form (files wait until `attachAll(number)`).
 */
export function evidencePanel({ entry = null, onUseTime, onAttached }) {
  const T = S.form;
  const staged = [];
  const msg = message('error');
  const how = field({ label: T.howObtained, hint: T.howObtainedHint, name: 'how' });
  const list = h('ul', { class: 'exhibits', id: 'staged-files', 'aria-label': T.waiting });
  const addButton = h('button', { type: 'button', id: 'add-files' }, T.addFiles);
  const zone = h('div', { class: 'dropzone' }, h('p', { class: 'hint' }, T.dropHint), list);
  // While a file is being stored: its name, a progress bar and Cancel. Shown only
  // when storing takes more than a moment, so small files do not flicker.
  const barName = h('p', { class: 'name', id: 'attach-name', 'aria-live': 'polite' });
  const bar = h('progress', { id: 'attach-bar', max: 1, value: 0, 'aria-labelledby': 'attach-name' });
  const barDone = h('p', { class: 'hint', id: 'attach-done' });
  const cancelButton = h('button', { type: 'button', id: 'cancel-attach' }, T.cancelAttach);
  const progressBox = h('div', { class: 'attach-progress', id: 'attach-progress', hidden: true },
    barName, bar, barDone, h('div', { class: 'actions' }, cancelButton));
  const wrap = h('div', {}, how.wrap, h('div', { class: 'actions' }, addButton), zone, progressBox, msg);
  let running = null; // the job id of the file being stored
  let busy = false;    // attachAll is running
  const SHOW_AFTER_MS = 300;

  function draw() {
    clear(list);
    for (const f of staged) {
      const offered = captureToForm(f.capture_time);
      list.append(h('li', { class: 'exhibit' },
        h('p', { class: 'name' }, fileName(f.name)),
        h('p', { class: 'hint' }, formatBytes(f.size)),
        offered ? h('p', { class: 'hint' }, T.takenAt(offered.date, offered.time)) : null,
        offered && onUseTime ? h('button', { type: 'button', class: 'use-time', onclick: () => onUseTime(offered) }, T.useTime) : null,
        h('button', { type: 'button', class: 'link', onclick: () => remove(f) }, T.remove(fileName(f.name)))));
    }
    list.hidden = staged.length === 0;
  }

  function remove(f) {
    staged.splice(staged.indexOf(f), 1);
    api.evidence_unstage(f.token).catch(() => {});
    draw();
  }

  async function take(files) {
    staged.push(...files);
    // On an entry's page files are added at once (one run at a time: files that
    // come while one is running join it).
    if (entry !== null) {
      if (!busy) await attachAll(entry);
    } else {
      draw();
    }
  }

  /** Attaches one staged file, with the progress bar while it is stored. */
  async function attachOne(number, f) {
    const job = Math.floor(Math.random() * 2 ** 31);
    running = job;
    addButton.disabled = true;
    cancelButton.disabled = false;
    barName.textContent = T.attaching(fileName(f.name));
    bar.max = Math.max(1, f.size); bar.value = 0;
    barDone.textContent = T.attachProgress(formatBytes(0), formatBytes(f.size));
    const reveal = setTimeout(() => {
      progressBox.hidden = false;
      progressBox.scrollIntoView({ block: 'nearest' });
    }, SHOW_AFTER_MS);
    try {
      return await api.evidence_attach(number, f.token, how.control.value.trim(), job, (step) => {
        bar.max = Math.max(1, step.total); bar.value = step.done;
        barDone.textContent = T.attachProgress(formatBytes(step.done), formatBytes(step.total));
      });
    } finally {
      clearTimeout(reveal);
      const hadFocus = progressBox.contains(document.activeElement);
      progressBox.hidden = true;
      running = null;
      addButton.disabled = false;
      // Cancel had the focus and is now hidden: keep the keyboard in the section.
      if (hadFocus) addButton.focus();
    }
  }

  /**
   * Attaches every staged file to entry `number`, one at a time. Cancel stops the
   * file being stored and the ones after it. Returns the exhibits added and what
   * to tell the person about the others (empty when all went well).
   */
  async function attachAll(number) {
    const failed = [];
    const done = [];
    const skipped = [];
    let stopped = null;
    busy = true;
    while (staged.length) {
      const f = staged.shift();
      if (stopped) {
        skipped.push(fileName(f.name));
        api.evidence_unstage(f.token).catch(() => {});
        continue;
      }
      try {
        done.push(await attachOne(number, f));
      } catch (err) {
        if (err.kind === 'cancelled') stopped = fileName(f.name);
        else failed.push(T.attachFailed(fileName(f.name), err.message));
      }
    }
    busy = false;
    const notes = [...failed];
    if (stopped) notes.push(T.attachCancelled(stopped));
    if (skipped.length) notes.push(T.notAddedEither(skipped));
    const said = notes.join(' ');
    draw();
    setMessage(msg, failed.length ? 'error' : 'ok', said);
    const result = { done, said, failed: failed.length > 0 };
    if (done.length && onAttached) onAttached(result);
    return result;
  }

  cancelButton.addEventListener('click', () => {
    if (running === null) return;
    cancelButton.disabled = true;
    api.evidence_cancel(running).catch(() => {});
  });

  addButton.addEventListener('click', async () => {
    try {
      await take(await api.evidence_pick());
    } catch (err) {
      if (err.kind !== 'dialog_cancelled') setMessage(msg, 'error', err.message || S.errors.generic);
    }
  });

  async function onPaste(event) {
    const items = [...(event.clipboardData?.items || [])].filter((i) => i.kind === 'file');
    if (!items.length) return;
    event.preventDefault();
    for (const item of items) {
      const file = item.getAsFile();
      if (!file) continue;
      await stageBlob(file, file.name && file.name !== 'image.png' ? file.name : `screenshot-${stamp()}.png`);
    }
  }

  async function stageBlob(blob, name) {
    try {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      await take([await api.evidence_stage_bytes(bytes, name)]);
    } catch (err) {
      setMessage(msg, 'error', err.message || S.errors.generic);
    }
  }

  // In-page drags (from another web page or app that gives files to the page).
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', async (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    for (const file of e.dataTransfer?.files || []) await stageBlob(file, file.name);
  });

  document.addEventListener('paste', onPaste);
  draw();
  return {
    wrap,
    attachAll,
    onDropped: (files) => take(files),
    stageBlob,
    howValue: () => how.control.value,
    setHow: (v) => { how.control.value = v || ''; },
    dispose: () => {
      document.removeEventListener('paste', onPaste);
      if (running !== null) api.evidence_cancel(running).catch(() => {});
      for (const f of staged) api.evidence_unstage(f.token).catch(() => {});
    },
  };
}

function stamp() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** Exhibits with thumbnails (fetched as raw bytes) and their marks. */
export function exhibitList(exhibits, { onSaveCopy } = {}) {
  const urls = [];
  const ul = h('ul', { class: 'exhibits', id: 'exhibits' });
  for (const x of exhibits) {
    const img = h('img', { alt: `Exhibit ${x.mark}, ${fileName(x.original_name)}`, hidden: true });
    const li = h('li', { class: 'exhibit', 'data-mark': x.mark },
      img,
      h('p', { class: 'mark' }, x.mark),
      h('p', { class: 'name' }, fileName(x.original_name)),
      h('p', { class: 'hint' }, `${formatBytes(x.size)}${x.erased_at ? ' · erased' : ''}`),
      onSaveCopy && !x.erased_at ? h('button', { type: 'button', class: 'link', onclick: () => onSaveCopy(x) }, S.detail.saveCopy(x.mark)) : null);
    ul.append(li);
    if (x.preview && x.preview.kind === 'available') {
      api.evidence_thumbnail(x.mark).then((buf) => {
        if (!buf || buf.byteLength === 0) return;
        const url = URL.createObjectURL(new Blob([buf], { type: 'image/jpeg' }));
        urls.push(url);
        img.src = url;
        img.hidden = false;
      }).catch(() => {});
    }
  }
  return { ul, dispose: () => urls.forEach((u) => URL.revokeObjectURL(u)) };
}
