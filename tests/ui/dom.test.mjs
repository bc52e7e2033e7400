// The UI's pure helpers, run with Node's own test runner (no packages):
//   node --test tests/ui/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileName } from '../../ui/dom.js';

test('a right-to-left override in a file name is shown, not obeyed', () => {
  assert.equal(fileName('photo\u202Egpj.exe'), 'photo<U+202E>gpj.exe');
  for (const c of ['\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u2066', '\u2067', '\u2068', '\u2069']) {
    assert.ok(!fileName(`a${c}b`).includes(c), c.codePointAt(0).toString(16));
  }
});

test('control characters are made visible; ordinary names are unchanged', () => {
  assert.equal(fileName('a\u001B[2Jb\n'), 'a<U+001B>[2Jb<U+000A>');
  assert.equal(fileName('a\u007F\u0085b'), 'a<U+007F><U+0085>b');
  for (const name of ['photo 1.jpg', 'café.png', 'صورة.jpg', '写真.png']) assert.equal(fileName(name), name);
});

test('a passphrase is measured in characters, as the core measures it', async () => {
  const { tooShort } = await import('../../ui/dom.js');
  const vocab = { passphrase_min_chars: 8 };
  assert.equal(tooShort('1234567', vocab), true);
  assert.equal(tooShort('12345678', vocab), false);
  // Four emoji are 8 UTF-16 units but 4 characters: too short for the core.
  assert.equal(tooShort('🔒🔒🔒🔒', vocab), true);
});
