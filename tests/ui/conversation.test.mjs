// How imported messages are shown on an entry's page, and the days of the import
// screen, run with Node's own test runner (no packages):
//   node --test tests/ui/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clockOf, sideOf, textOf, whoOf } from '../../ui/views/conversation.js';
import { phoneDay } from '../../ui/dom.js';

const message = (over) => ({
  at: '2024-03-12T07:12:05+00:00', from: 'Mark', to: [], direction: 'received', kind: 'message',
  text: 'I saw you at the station', attachments: [], media_missing: [], contact: true, ...over,
});

test('the time is the phone’s, as it was read, whatever this computer’s zone', () => {
  assert.equal(clockOf('2024-03-12T07:12:05+00:00'), '07:12');
  assert.equal(clockOf('2024-07-01T23:59:00+01:00'), '23:59');
  assert.equal(clockOf(''), '');
});

test('who: the name as exported; the diary’s keeper as “You” when the export has no name', () => {
  assert.equal(whoOf(message()), 'Mark');
  assert.equal(whoOf(message({ from: '', direction: 'sent', contact: false })), 'You');
  assert.equal(whoOf(message({ from: '', direction: 'unknown', contact: false })), 'Not named');
  assert.equal(whoOf(message({ kind: 'system', from: '' })), 'Note from the app');
});

test('the people the import was about are on one side, everyone else on the other', () => {
  assert.equal(sideOf(message()), 'them');
  assert.equal(sideOf(message({ from: 'Sam', contact: false })), 'other');
  assert.equal(sideOf(message({ kind: 'system', contact: false })), 'system');
});

test('a call says what happened and for how long; a message is its text as exported', () => {
  assert.equal(textOf(message({ kind: 'call', call: 'missed', duration_s: 0, text: '' })), 'Missed call');
  assert.equal(textOf(message({ kind: 'call', call: 'incoming', duration_s: 125, text: '' })), 'Answered call, 2 min 5 s');
  assert.equal(textOf(message({ kind: 'call', call: 'rejected', duration_s: 0, withheld: true, text: '' })), 'Rejected call, number withheld');
  assert.equal(textOf(message({ text: '<b>answer me</b>\nnow' })), '<b>answer me</b>\nnow');
});

test('days from an export: the phone’s own day, or an instant’s day here', () => {
  assert.equal(phoneDay('2024-03-12T07:12:05'), '12/03/2024');
  assert.equal(phoneDay(null), '');
  process.env.TZ = 'Europe/London';
  assert.equal(phoneDay('2024-06-30T23:30:00.000Z'), '01/07/2024');
});
