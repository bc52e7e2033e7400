// New or edit entry: a guided form in short sections. Only When and What happened
// are needed. A sealed draft is saved as the person types (and on lock, close or
// quick exit) and restored when the form is opened again.

import * as api from '../api.js';
import { S } from '../strings.js';
import { add, h, field, checkbox, message, setMessage } from '../dom.js';
import { evidencePanel } from './evidence.js';

const AUTOSAVE_MS = 800;

function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return { date: `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()}`, time: `${p(d.getHours())}:${p(d.getMinutes())}` };
}

function section(key, ...children) {
  const [title, hint] = S.form.sections[key];
  return h('fieldset', { class: 'section', id: `section-${key}` },
    h('legend', {}, title),
    h('p', { class: 'section-hint' }, hint),
    ...children);
}

export async function render(root, ctx, params = {}) {
  const T = S.form;
  const number = params.number ?? null;
  const draftKey = number === null ? 'new' : `edit-${number}`;
  const v = ctx.vocab;
  const now = today();

  // Controls, by form field name.
  const c = {};
  const text = (name, opts) => { const f = field({ name, ...opts }); c[name] = f.control; return f.wrap; };
  const tick = (name, label) => { const f = checkbox({ name, label }); c[name] = f.control; return f.wrap; };
  const group = (name, legend, terms) => {
    const boxes = terms.map((t) => checkbox({ name, label: t.label, value: t.key }));
    c[name] = boxes.map((b) => b.control);
    return h('fieldset', { class: 'field', 'aria-describedby': undefined },
      h('legend', { class: 'field-label' }, legend),
      h('div', { class: 'checks' }, boxes.map((b) => b.wrap)));
  };
  const radios = (name, legend, options) => {
    c[name] = options.map(([value, label]) => {
      const id = `${name}-${value || 'unsaid'}`;
      return { input: h('input', { type: 'radio', name, id, value }), label: h('label', { for: id }, label) };
    });
    return h('fieldset', { class: 'field' }, h('legend', { class: 'field-label' }, legend),
      h('div', { class: 'row' }, c[name].map((r) => h('div', { class: 'check' }, r.input, r.label))));
  };

  const msg = message('error');
  const draftNote = h('p', { class: 'hint', id: 'draft-state' });
  const evidence = evidencePanel({
    onUseTime: ({ date, time }) => {
      c.date.value = date; c.time.value = time; c.approximate.checked = false;
      setMessage(msg, 'ok', T.usedTime);
      schedule();
    },
  });

  const form = h('form', { id: 'entry-form', novalidate: true },
    section('when',
      h('div', { class: 'row' },
        text('date', { label: T.date, hint: T.dateHint, required: true, value: now.date, attrs: { autocomplete: 'off' } }),
        text('time', { label: T.time, hint: T.timeHint, value: now.time, attrs: { autocomplete: 'off' } })),
      tick('approximate', T.approximate),
      h('div', { class: 'row' },
        text('until_date', { label: T.untilDate, hint: T.untilHint, attrs: { autocomplete: 'off' } }),
        text('until_time', { label: T.untilTime, attrs: { autocomplete: 'off' } }))),
    section('where', text('location', { label: T.location, hint: T.locationHint })),
    section('what',
      text('description', { label: T.description, as: 'textarea', required: true }),
      group('behaviours', T.behaviours, v.behaviours),
      h('div', { class: 'row' },
        text('channel', { label: T.channel, as: 'select', options: [['', T.channelNone], ...v.channels.map((x) => [x.key, x.label])] }),
        text('channel_detail', { label: T.channelDetail }))),
    section('who', text('who', { label: T.who, as: 'textarea' })),
    section('witnesses',
      text('witnesses', { label: T.witnesses, as: 'textarea' }),
      radios('children_present', T.children, [['yes', T.childrenYes], ['no', T.childrenNo], ['', T.childrenUnsaid]])),
    section('evidence', evidence.wrap),
    section('police',
      h('div', { class: 'row' },
        text('police_date', { label: T.policeDate, hint: T.dateHint }),
        text('police_reference', { label: T.policeReference }),
        text('police_officer', { label: T.policeOfficer })),
      text('response', { label: T.response, hint: T.responseHint, as: 'textarea' })),
    section('impact',
      tick('fear_of_violence', T.fear),
      tick('alarm_or_distress', T.alarm),
      text('daily_life_changes', { label: T.dailyLife, hint: T.dailyLifeHint, as: 'textarea' }),
      text('impact_notes', { label: T.impactNotes, as: 'textarea' }),
      text('order_breached', { label: T.order })),
    section('risk', group('risks', S.form.sections.risk[0], v.risks)),
    section('online',
      h('div', { class: 'row' },
        text('online_account', { label: T.onlineAccount }),
        text('online_url', { label: T.onlineUrl, attrs: { autocomplete: 'off', spellcheck: 'false' } })),
      h('div', { class: 'row' },
        text('online_posted', { label: T.onlinePosted, hint: T.onlineTimeHint, attrs: { autocomplete: 'off' } }),
        text('online_captured', { label: T.onlineCaptured, hint: T.onlineTimeHint, attrs: { autocomplete: 'off' } })),
      radios('online_reported', T.onlineReported, [['yes', T.onlineReportedYes], ['no', T.onlineReportedNo], ['', T.onlineReportedUnsaid]]),
      text('online_reference', { label: T.onlineReference })),
    section('private', text('private_note', { label: T.privateNote, as: 'textarea' })),
    msg,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'save-entry' }, T.save),
      h('button', { type: 'button', id: 'cancel-entry', onclick: leave }, T.cancel),
      draftNote));

  function collect() {
    const out = {};
    for (const [name, control] of Object.entries(c)) {
      if (name === 'behaviours' || name === 'risks') out[name] = control.filter((b) => b.checked).map((b) => b.value);
      else if (Array.isArray(control)) out[name] = (control.find((r) => r.input.checked)?.input.value) ?? '';
      else if (control.type === 'checkbox') out[name] = control.checked;
      else out[name] = control.value;
    }
    return out;
  }

  function fill(values) {
    for (const [name, control] of Object.entries(c)) {
      const value = values[name];
      if (value === undefined) continue;
      if (name === 'behaviours' || name === 'risks') control.forEach((b) => { b.checked = value.includes(b.value); });
      else if (Array.isArray(control)) control.forEach((r) => { r.input.checked = r.input.value === value; });
      else if (control.type === 'checkbox') control.checked = !!value;
      else control.value = value;
    }
  }

  let dirty = false;
  let timer = null;
  let saving = false;
  function schedule() {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(saveDraft, AUTOSAVE_MS);
  }
  async function saveDraft() {
    if (!dirty || saving) return;
    try {
      await api.draft_save(draftKey, { form: collect(), how: evidence.howValue() });
      draftNote.textContent = T.draftSaved;
    } catch { /* locked meanwhile: the lock path saves it */ }
  }

  async function leave() {
    clearTimeout(timer);
    await api.draft_discard(draftKey).catch(() => {});
    dirty = false;
    ctx.go(number === null ? 'timeline' : 'entry-detail', { number });
  }

  form.addEventListener('input', schedule);
  form.addEventListener('change', schedule);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearTimeout(timer);
    saving = true;
    const button = form.querySelector('#save-entry');
    button.disabled = true;
    form.querySelectorAll('[aria-invalid="true"]').forEach((el) => el.removeAttribute('aria-invalid'));
    try {
      const values = collect();
      let saved = number;
      if (number === null) saved = await api.entry_add(values);
      else await api.entry_amend(number, values);
      dirty = false;
      const attached = await evidence.attachAll(saved);
      await api.draft_discard(draftKey).catch(() => {});
      const flash = [number === null ? T.saved(saved) : T.amended(saved), attached.said].filter(Boolean).join(' ');
      ctx.go('entry-detail', { number: saved, flash, flashKind: attached.failed ? 'error' : 'ok' });
    } catch (err) {
      saving = false;
      button.disabled = false;
      const target = fieldControl(err.field);
      if (target) { target.setAttribute('aria-invalid', 'true'); target.focus(); }
      setMessage(msg, 'error', err.message || S.errors.generic);
    }
  });

  // The shell names the form's own control (src-tauri/src/form.rs `control`).
  function fieldControl(name) {
    return name && c[name] && c[name].focus ? c[name] : null;
  }

  add(root, 
    h('h1', {}, number === null ? T.newTitle : T.editTitle(number)),
    h('p', {}, T.intro),
    number === null ? null : h('p', { class: 'message warn' }, T.editNote),
    form);

  if (number !== null) {
    const detail = await api.entry_get(number);
    if (detail.form) fill(detail.form);
  }
  try {
    const draft = await api.draft_load(draftKey);
    if (draft && draft.form) {
      fill(draft.form);
      evidence.setHow(draft.how);
      dirty = true;
      root.insertBefore(h('p', { class: 'message ok', role: 'status', id: 'draft-restored' }, T.restored), form);
    }
  } catch { /* no draft */ }

  return {
    pendingDraft: () => (dirty ? { form: draftKey, draft: { form: collect(), how: evidence.howValue() } } : null),
    onDropped: (files) => evidence.onDropped(files),
    dispose: () => { clearTimeout(timer); evidence.dispose(); },
  };
}
