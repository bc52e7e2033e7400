// Imported messages and calls as a readable conversation on an entry's page: the
// time the phone showed, who, the text exactly as exported, and the exhibit marks
// of what was attached. The people the import was about are on one side, everyone
// else (the person keeping the diary) on the other, and each says who it is in
// words too. Every text goes in with textContent, never as markup.

import { S } from '../strings.js';
import { h } from '../dom.js';

/** `2024-03-12T07:12:05+00:00` → `07:12`, the phone's time in the zone it was read in. */
export function clockOf(at) {
  const m = /T(\d{2}):(\d{2})/.exec(at || '');
  return m ? `${m[1]}:${m[2]}` : '';
}

/** Who a message is from, in words. */
export function whoOf(m) {
  const T = S.messages;
  if (m.kind === 'system') return T.system;
  if (m.from) return m.from;
  return m.direction === 'sent' ? T.you : T.unnamed;
}

/** What a message says: its text, or for a call what happened and for how long. */
export function textOf(m) {
  const T = S.messages;
  if (m.kind !== 'call') return m.text;
  const parts = [T.call[m.call] || T.call.unknown];
  if (m.duration_s) parts.push(T.duration(m.duration_s));
  if (m.withheld) parts.push(T.withheld);
  return [parts.join(', '), m.text].filter(Boolean).join('\n');
}

/** Which side a message sits on: `them` (the people the import was about),
 * `other` (everyone else, usually the person keeping the diary) or `system`. */
export function sideOf(m) {
  if (m.kind === 'system') return 'system';
  return m.contact ? 'them' : 'other';
}

/**
 * The conversation as a section. `onShowExhibit(mark)` moves to an attached file's
 * exhibit on the same page.
 */
export function conversation(messages, { onShowExhibit } = {}) {
  const T = S.messages;
  const exhibits = [...new Set(messages.map((m) => m.exhibit).filter(Boolean))].join(', ');
  const zones = [...new Set(messages.map((m) => m.zone).filter(Boolean))].join(', ');
  const list = h('ol', { class: 'conversation', id: 'conversation', 'aria-labelledby': 'messages-title' });
  for (const m of messages) {
    const side = sideOf(m);
    const marks = (m.attachments || []).map((mark) => onShowExhibit
      ? h('button', { type: 'button', class: 'link', 'aria-label': T.showExhibit(mark), onclick: () => onShowExhibit(mark) }, mark)
      : h('span', { class: 'mark' }, mark));
    list.append(h('li', { class: `msg ${side}`, 'data-side': side, 'data-kind': m.kind },
      h('p', { class: 'msg-head' },
        h('span', { class: 'msg-who' }, whoOf(m)), ' ',
        h('time', { class: 'msg-time', datetime: m.at }, clockOf(m.at))),
      m.subject ? h('p', { class: 'msg-subject' }, T.subject(m.subject)) : null,
      textOf(m) ? h('p', { class: 'msg-text' }, textOf(m)) : null,
      marks.length ? h('p', { class: 'msg-attachments' }, T.attached, ' ', marks.flatMap((x, i) => i ? [', ', x] : [x])) : null,
      (m.media_missing || []).map((what) => h('p', { class: 'msg-missing' }, T.missing(what)))));
  }
  return h('section', { class: 'card', id: 'messages', 'aria-labelledby': 'messages-title' },
    h('h2', { id: 'messages-title' }, T.title(messages.length)),
    h('p', { class: 'section-hint' }, T.intro(exhibits, zones)),
    list);
}
