/**
 * The Experiments table's stylesheet against its webview: an element the webview hides with the
 * `hidden` attribute must really disappear. A class rule with `display: flex` beats the browser's
 * `[hidden] { display: none }`, which is how a cleared filter error stayed on screen.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..');
const css = readFileSync(join(root, 'media', 'experimentsTable.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
const script = readFileSync(join(root, 'webview', 'experimentsTable', 'main.ts'), 'utf8');

/** Rules as [selector, declarations]. */
const rules = [...css.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map((m) => [m[1]!.trim(), m[2]!] as const);

test('every element the table hides with `hidden` is hidden, whatever display its class sets', () => {
  // Elements created hidden, and the toolbar buttons and groups it hides (Load more, DVC tools).
  const hideable = new Set([...script.matchAll(/className: '([\w-]+)', hidden: true/g)].map((m) => m[1]!));
  for (const name of ['tool', 'tool-group']) hideable.add(name);
  assert.ok(hideable.has('filter-error') && hideable.has('completions'), 'the script creates the filter error and completions hidden');
  const globalHidden = rules.some(([selector, body]) => selector.split(',').some((s) => s.trim() === '[hidden]') && /display:\s*none\s*!important/.test(body));
  for (const name of hideable) {
    const shows = rules.some(([selector, body]) => selector.split(',').some((s) => new RegExp(`^\\.${name}$`).test(s.trim())) && /display:\s*(?!none)[\w-]+/.test(body));
    if (!shows) continue;
    const own = rules.some(([selector, body]) => selector.split(',').some((s) => s.trim() === `.${name}[hidden]`) && /display:\s*none/.test(body));
    assert.ok(globalHidden || own, `.${name} sets a display but nothing hides it when it has the hidden attribute`);
  }
});

test('every panel stylesheet lets the `hidden` attribute win over its display rules', () => {
  const dir = join(root, 'media');
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.css'))) {
    const text = readFileSync(join(dir, name), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    assert.match(text, /(^|\})\s*\[hidden\]\s*\{\s*display:\s*none\s*!important;?\s*\}/, `${name} has no [hidden] { display: none !important } rule`);
  }
});
