/**
 * The Getting Started walkthrough in package.json: every step's done/undone comes from a context
 * key our code sets (never from a click: steps without a key can never complete), each item has an
 * undone and a done variant that exclude each other, buttons name commands that exist, and media
 * files ship.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { Commands, ContextKeys, WALKTHROUGH_ID } from '../../src/host/constants.js';
import { doneKeys } from '../../src/host/onboarding/donePulse.js';

const ROOT = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const [walkthrough] = manifest.contributes.walkthroughs as { id: string; steps: { id: string; title: string; description: string; when: string; completionEvents: string[]; media: { markdown: string } }[] }[];
const onboardingKeys = new Set<string>(Object.entries(ContextKeys).filter(([name]) => name.startsWith('onboarding')).map(([, key]) => key));

test('one walkthrough, with the id the code opens', () => {
  assert.equal(manifest.contributes.walkthroughs.length, 1);
  assert.equal(walkthrough!.id, WALKTHROUGH_ID);
});

test('each step completes only on a context key our checks set; undone variants can never complete', () => {
  for (const step of walkthrough!.steps) {
    if (step.id.endsWith('.done')) {
      // The variant shows exactly when its state key holds; its check mark comes from its two pulsed done keys (donePulse.ts).
      assert.ok(onboardingKeys.has(step.when), `${step.id} shows on a state key our checks set: ${step.when}`);
      const item = step.when.replace(/^mlWorkbench\.onboarding\./, '');
      assert.deepEqual(step.completionEvents, doneKeys(item).map((key) => `onContext:${key}`), step.id);
    } else {
      assert.deepEqual(step.completionEvents, ['onContext:false'], `${step.id} must not complete on a click`);
      assert.match(step.when, /!mlWorkbench\.onboarding\.\w+$/, step.id);
    }
  }
});

test('every item has its done variant and an undone one for trusted and, when it runs something, for Restricted Mode', () => {
  const ids = new Set(walkthrough!.steps.map((s) => s.id));
  const items = [...ids].filter((id) => !id.includes('.'));
  assert.deepEqual(items, ['python', 'project', 'git', 'dvc', 'trackingStore', 'remote', 'repro', 'firstRun']);
  for (const item of items) assert.ok(ids.has(`${item}.done`), item);
  for (const item of ['python', 'project', 'git', 'dvc', 'remote', 'repro']) {
    assert.ok(ids.has(`${item}.restricted`), item);
    const restricted = walkthrough!.steps.find((s) => s.id === `${item}.restricted`)!;
    assert.match(restricted.when, /^!isWorkspaceTrusted && /);
    assert.match(restricted.description, /Restricted Mode/);
    assert.match(walkthrough!.steps.find((s) => s.id === item)!.when, /^isWorkspaceTrusted && /);
  }
});

test('buttons name our commands (or VS Code view focus/trust commands); media files exist', () => {
  const ours = new Set<string>(Object.values(Commands));
  const views = new Set(manifest.contributes.views.mlWorkbench.map((v: { id: string }) => `${v.id}.focus`));
  for (const step of walkthrough!.steps) {
    for (const [, command] of step.description.matchAll(/\(command:([\w.]+)\)/g)) {
      assert.ok(ours.has(command!) || views.has(command!) || command === 'workbench.trust.manage', `${step.id}: ${command}`);
    }
    assert.ok(existsSync(join(ROOT, step.media.markdown)), step.media.markdown);
  }
});

test('the templates ship in the .vsix', () => {
  assert.match(readFileSync(join(ROOT, '.vscodeignore'), 'utf8'), /^!templates\/\*\*$/m);
});

test('the team server script ships in the .vsix (Start Team Server (local) runs it from the installed extension)', () => {
  assert.match(readFileSync(join(ROOT, '.vscodeignore'), 'utf8'), /^!scripts\/team-server\.mjs$/m);
});
