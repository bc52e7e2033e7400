// The app frame: which view is shown, the header, quick exit, auto-lock and the
// events the shell pushes (lock requests, dropped files).

import * as api from './api.js';
import { S } from './strings.js';
import { h, clear } from './dom.js';

const views = {
  'first-run': () => import('./views/first-run.js'),
  unlock: () => import('./views/unlock.js'),
  recover: () => import('./views/recover.js'),
  'quick-note': () => import('./views/quick-note.js'),
  timeline: () => import('./views/timeline.js'),
  'entry-form': () => import('./views/entry-form.js'),
  'entry-detail': () => import('./views/entry-detail.js'),
  export: () => import('./views/export.js'),
  import: () => import('./views/import.js'),
  settings: () => import('./views/settings.js'),
  handover: () => import('./views/handover.js'),
};

/** Views that show the diary and need it unlocked. */
const unlockedViews = new Set(['timeline', 'entry-form', 'entry-detail', 'export', 'import', 'settings']);
const navItems = [
  ['timeline', S.nav.timeline],
  ['entry-form', S.nav.newEntry],
  ['export', S.nav.export],
  ['settings', S.nav.settings],
  ['handover', S.nav.handover],
];
/** Views open with or without the diary unlocked (the menu shows when it is). */
const eitherViews = new Set(['handover']);

const main = document.getElementById('main');
const nav = document.getElementById('app-nav');
const banner = document.getElementById('practice-banner');
const announcer = document.getElementById('announce');

const ctx = {
  vocab: null,
  status: { exists: false, unlocked: false, practice: false },
  settings: null,
  current: null,     // { name, params, handle }
  go,
  announce,
  lock,
};

let quickExitKey = 'Escape Escape';

function announce(text) {
  announcer.textContent = '';
  // A fresh text node so screen readers speak it again even if it repeats.
  setTimeout(() => { announcer.textContent = text; }, 30);
}

function pendingDraft() {
  try {
    return ctx.current?.handle?.pendingDraft?.() ?? null;
  } catch {
    return null;
  }
}

async function go(name, params = {}) {
  if (unlockedViews.has(name) && !ctx.status.unlocked) name = ctx.status.exists ? 'unlock' : 'first-run';
  try { ctx.current?.handle?.dispose?.(); } catch { /* the old view is going anyway */ }
  const module = await views[name]();
  clear(main);
  main.classList.toggle('narrow', !unlockedViews.has(name) && !eitherViews.has(name));
  renderChrome(name);
  let handle = {};
  try {
    handle = (await module.render(main, ctx, params)) || {};
  } catch (err) {
    if (err && err.kind === 'locked') { ctx.status = { ...ctx.status, unlocked: false }; return go('unlock'); }
    main.append(h('h1', {}, S.appName),
      h('p', { class: 'message error', role: 'alert' }, S.errors.generic, ' ', String(err?.message || err)),
      h('button', { type: 'button', onclick: () => go(ctx.status.unlocked ? 'timeline' : 'unlock') }, S.errors.back));
    console.error(err);
  }
  ctx.current = { name, params, handle };
  const title = main.querySelector('h1');
  document.title = 'Daybook';
  if (params.focusMain !== false) (title || main).setAttribute('tabindex', '-1');
  if (params.focusMain !== false) (title || main).focus({ preventScroll: false });
  window.scrollTo(0, 0);
}

function renderChrome(active) {
  const unlocked = ctx.status.unlocked && (unlockedViews.has(active) || eitherViews.has(active));
  nav.hidden = !unlocked;
  clear(nav);
  if (unlocked) {
    for (const [name, label] of navItems) {
      nav.append(h('button', {
        type: 'button',
        'aria-current': active === name ? 'page' : undefined,
        onclick: () => go(name),
      }, label));
    }
    nav.append(h('button', { type: 'button', id: 'lock-button', onclick: () => lock() }, S.nav.lock));
  }
  banner.hidden = !ctx.status.practice;
  clear(banner);
  if (ctx.status.practice) {
    banner.append(h('span', {}, S.practiceBanner),
      h('button', { type: 'button', onclick: leavePractice }, S.leavePractice));
  }
}

async function leavePractice() {
  ctx.status = await api.vault_leave_practice();
  await go(ctx.status.exists ? 'unlock' : 'first-run');
}

async function lock(reason) {
  const pending = pendingDraft();
  try {
    ctx.status = await api.vault_lock(pending);
  } catch {
    ctx.status = { ...ctx.status, unlocked: false };
  }
  ctx.settings = null;
  await go('unlock', { reason });
}

/** Hides everything at once, keeps the draft, locks and closes the app. */
async function quickExit() {
  const pending = pendingDraft();
  document.body.hidden = true;
  clear(main);
  try {
    await api.vault_quick_exit(pending);
  } catch {
    // The shell could not be reached: at least leave nothing on screen.
    window.close();
  }
}

// Quick exit: the button on every screen, and the key.
document.getElementById('quick-exit').textContent = S.quickExit;
document.getElementById('quick-exit').title = S.quickExitHint;
document.getElementById('quick-exit').addEventListener('click', quickExit);
document.getElementById('skip-link').textContent = S.skip;

let lastEscape = 0;
document.addEventListener('keydown', (event) => {
  if (quickExitKey === 'Escape Escape') {
    if (event.key === 'Escape') {
      const now = performance.now();
      if (now - lastEscape < 800) { event.preventDefault(); quickExit(); }
      lastEscape = now;
    }
  } else if (quickExitKey === 'F9' && event.key === 'F9') {
    event.preventDefault(); quickExit();
  } else if (quickExitKey === 'Control+Shift+X' && event.ctrlKey && event.shiftKey && event.key.toLowerCase() === 'x') {
    event.preventDefault(); quickExit();
  }
}, true);

// Activity puts off auto-lock; one ping at most every 15 seconds.
let lastTouch = 0;
for (const type of ['keydown', 'pointerdown', 'wheel', 'input']) {
  document.addEventListener(type, () => {
    const now = Date.now();
    if (ctx.status.unlocked && now - lastTouch > 15000) {
      lastTouch = now;
      api.app_touch().catch(() => {});
    }
  }, { passive: true, capture: true });
}

// Dropped files are staged by the shell; the open view takes them if it can.
function onShellEvent(message) {
  switch (message.event) {
    case 'lock_requested':
      if (ctx.status.unlocked) lock('idle');
      break;
    case 'close_requested':
      quickExit();
      break;
    case 'locked':
      ctx.status = { ...ctx.status, unlocked: false };
      go('unlock', { reason: 'idle' });
      break;
    case 'dropped':
      if (ctx.current?.handle?.onDropped) ctx.current.handle.onDropped(message.files);
      else {
        for (const f of message.files) api.evidence_unstage(f.token).catch(() => {});
        announce(S.form.noEvidenceHere);
      }
      break;
    default:
      break;
  }
}

export function setQuickExitKey(key) {
  quickExitKey = key || 'Escape Escape';
}

async function start() {
  await api.app_subscribe(onShellEvent);
  ctx.vocab = await api.app_vocabulary();
  ctx.status = await api.vault_status();
  // Started with a handover file (a double click in the file manager): open it.
  const launched = await api.handover_launch_file().catch(() => null);
  if (launched) await go('handover', { focusMain: false, picked: launched });
  else await go(ctx.status.unlocked ? 'timeline' : ctx.status.exists ? 'unlock' : 'first-run', { focusMain: false });
  document.documentElement.dataset.readyAt = String(Date.now());
  document.documentElement.dataset.ready = 'true';
}

ctx.setQuickExitKey = setQuickExitKey;
start().catch((err) => {
  clear(main).append(h('p', { class: 'message error', role: 'alert' }, S.errors.generic, ' ', String(err.message || err)));
});
