// All IPC goes through here. One function per shell command, same names
// (`src-tauri/src/commands/*.rs`). Failures are thrown as ApiError with the shell's
// `kind`, so views branch on the kind, never on wording.

const core = window.__TAURI__ && window.__TAURI__.core;

export class ApiError extends Error {
  constructor({ kind = 'unknown', message = '', field } = {}) {
    super(message);
    this.kind = kind;
    this.field = field;
  }
}

async function call(cmd, args, options) {
  if (!core) throw new ApiError({ kind: 'no_shell', message: 'Daybook must be opened as an app' });
  try {
    return await core.invoke(cmd, args, options);
  } catch (err) {
    if (err && typeof err === 'object' && 'kind' in err) throw new ApiError(err);
    throw new ApiError({ kind: 'unknown', message: String(err) });
  }
}

function channel(onMessage) {
  const ch = new core.Channel();
  ch.onmessage = onMessage;
  return ch;
}

// app.rs
export const app_vocabulary = () => call('app_vocabulary');
export const app_about = () => call('app_about');
export const app_subscribe = (onEvent) => call('app_subscribe', { events: channel(onEvent) });
export const app_touch = () => call('app_touch');

// vault.rs
export const vault_status = () => call('vault_status');
export const vault_create = (passphrase) => call('vault_create', { passphrase });
export const vault_practice = () => call('vault_practice');
export const vault_leave_practice = () => call('vault_leave_practice');
export const vault_unlock = (passphrase) => call('vault_unlock', { passphrase });
export const vault_recover = (code, newPassphrase) => call('vault_recover', { code, newPassphrase });
export const vault_lock = (pending = null) => call('vault_lock', { pending });
export const vault_change_passphrase = (current, newPassphrase) => call('vault_change_passphrase', { current, newPassphrase });
export const vault_info = () => call('vault_info');
export const vault_check = (job, onProgress) => call('vault_check', { job, onProgress: channel(onProgress) });
export const vault_check_cancel = (job) => call('vault_check_cancel', { job });
export const vault_quick_exit = (pending = null) => call('vault_quick_exit', { pending });

// entries.rs
export const entry_list = () => call('entry_list');
export const entry_get = (number) => call('entry_get', { number });
export const entry_history = (number) => call('entry_history', { number });
export const entry_add = (form) => call('entry_add', { form });
export const entry_amend = (number, form) => call('entry_amend', { number, form });
export const entry_withdraw = (number, reason) => call('entry_withdraw', { number, reason });
export const entry_erase = (number) => call('entry_erase', { number });
export const entry_quick_note = (text) => call('entry_quick_note', { text });
export const note_held_list = () => call('note_held_list');
export const note_keep = (id) => call('note_keep', { id });
export const note_discard = (id) => call('note_discard', { id });
export const draft_save = (form, draft) => call('draft_save', { form, draft });
export const draft_load = (form) => call('draft_load', { form });
export const draft_discard = (form) => call('draft_discard', { form });

// evidence.rs
export const evidence_pick = () => call('evidence_pick');
/** Raw bytes in the IPC body (never base64); the name travels in a header. */
export const evidence_stage_bytes = (bytes, name) =>
  call('evidence_stage_bytes', bytes, { headers: { 'x-name': encodeURIComponent(name) } });
export const evidence_unstage = (token) => call('evidence_unstage', { token });
/** `job` is chosen by the caller so it can stop the attach with `evidence_cancel`. */
export const evidence_attach = (entry, token, how, job, onProgress) =>
  call('evidence_attach', { entry, token, how, job, onProgress: channel(onProgress) });
export const evidence_cancel = (job) => call('evidence_cancel', { job });
export const evidence_list = (entry = null) => call('evidence_list', { entry });
/** Resolves to an ArrayBuffer of JPEG bytes (empty when there is no thumbnail). */
export const evidence_thumbnail = (mark) => call('evidence_thumbnail', { mark });
export const evidence_save_original = (mark) => call('evidence_save_original', { mark });

// messages.rs
/** Opens the native dialog for one export; resolves to the staged file. */
export const import_pick = () => call('import_pick');
/** The dry run of a staged export. `dayOrder` is 'day-first', 'month-first' or ''. */
export const import_summary = (token, dayOrder = '') => call('import_summary', { token, dayOrder });
/** `job` is chosen by the caller so it can stop the import with `import_cancel`. */
export const import_run = (token, form, job, onProgress) =>
  call('import_run', { token, form, job, onProgress: channel(onProgress) });
export const import_cancel = (job) => call('import_cancel', { job });
export const message_list = (entry) => call('message_list', { entry });

// Typed days, read by the core's one rule: resolves to {from, to} as ISO days (null
// when empty); an unreadable day is an `invalid_field` error naming `from` or `to`.
export const day_range = (from, to) => call('day_range', { from, to });

// export.rs
export const export_run = (kind, job, options, onProgress) =>
  call('export_run', { kind, job, options, onProgress: channel(onProgress) });
export const export_cancel = (job) => call('export_cancel', { job });
/** What an export would hold and what would be kept out of it; writes nothing. */
export const export_preview = (kind, options) => call('export_preview', { kind, options });

// handover.rs (receiving a handover file)
export const handover_pick = () => call('handover_pick');
/** The handover file Daybook was started with (a double click), picked once; or null. */
export const handover_launch_file = () => call('handover_launch_file');
/** `passphrase` null opens it with this diary's receiving key. */
export const handover_open = (token, passphrase, job, onProgress) =>
  call('handover_open', { token, passphrase, job, onProgress: channel(onProgress) });
export const handover_cancel = (job) => call('handover_cancel', { job });
export const handover_contents = (id) => call('handover_contents', { id });
/** Resolves to an ArrayBuffer of JPEG bytes (empty when there is no picture). */
export const handover_thumbnail = (id, mark) => call('handover_thumbnail', { id, mark });
export const handover_save_original = (id, mark) => call('handover_save_original', { id, mark });
export const handover_save_report = (id) => call('handover_save_report', { id });
/** With `confirmed` false: where a readable copy of the report would be written, to
 * tell the person first. With `confirmed` true: writes it there and opens it with the
 * system's viewer. Resolves to {path, opened, sha256}. */
export const handover_open_report = (id, confirmed) => call('handover_open_report', { id, confirmed });
export const handover_close = (id) => call('handover_close', { id });

// settings.rs
export const settings_get = () => call('settings_get');
/** Every setting but the backup folder, which only the shell's dialog sets. */
export const settings_save = (settings) => call('settings_save', { settings });
/** Opens the folder dialog in the shell and keeps the choice; resolves to the settings. */
export const settings_pick_backup_dir = () => call('settings_pick_backup_dir');
export const settings_forget_backup_dir = () => call('settings_forget_backup_dir');
/** Replaces the keep-out list: `phrases` (strings) and `places` ({lat, lon, radius_m}). */
export const keep_out_save = (phrases, places) => call('keep_out_save', { phrases, places });
/** This diary's key for receiving handover files (age1…), or null when not made. */
export const receiving_key_get = () => call('receiving_key_get');
export const receiving_key_make = () => call('receiving_key_make');
/** Asks where to save the printable key sheet (PDF); resolves to the path. */
export const receiving_key_sheet = () => call('receiving_key_sheet');
/** Restores a backup chosen in the shell's dialog; `replace` once the person confirmed. */
export const vault_restore = (passphrase, code, replace) => call('vault_restore', { passphrase, code, replace });
