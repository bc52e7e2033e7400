// Typed days are read by the core alone (`incident::Day`, through the shell's
// `day_range`, `export_preview`, `import_summary`…): the UI passes the text as typed
// and shows the core's message. These tests pin the display helper, and that no view
// has grown its own reading of days again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { sentence } from '../../ui/dom.js';

test('a core message is shown as a sentence, and nothing else about it changes', () => {
  assert.equal(sentence('the last day is before the first day; please check the dates'),
    'The last day is before the first day; please check the dates.');
  assert.equal(sentence("'31/02/2026' is not a day; write it like 01/09/2026 or 2026-09-01"),
    "'31/02/2026' is not a day; write it like 01/09/2026 or 2026-09-01.");
  assert.equal(sentence('Already a sentence.'), 'Already a sentence.');
  assert.equal(sentence(''), '');
  assert.equal(sentence(undefined), '');
});

test('no view reads typed days itself', () => {
  const dir = new URL('../../ui/views/', import.meta.url);
  const patterns = [/isoDay|realDay/, /\\d\{1,2\}\)?\\\/|\\\/\(\\d/, /new Date\(`\$\{/];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.js'))) {
    const text = readFileSync(new URL(name, dir), 'utf8');
    for (const p of patterns) assert.ok(!p.test(text), `${name} matches ${p}`);
  }
});
