import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { CONFIG_SECTION, Commands, ContextValues, Settings, TaskTypes, ViewContainer, Views } from '../../src/host/constants.js';
import { TASK_TYPE } from '../../src/core/tasks/definition.js';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));
const contributes = manifest.contributes;
const sorted = (values: Iterable<string>): string[] => [...values].sort();

test('commands in constants and in package.json are the same set, each with a category', () => {
  assert.deepEqual(sorted(contributes.commands.map((c: { command: string }) => c.command)), sorted(Object.values(Commands)));
  for (const command of contributes.commands) assert.equal(command.category, 'ML Workbench', command.command);
});

test('views: the container and its views match, Runs first, in the design order', () => {
  assert.deepEqual(contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id), [ViewContainer.id]);
  assert.equal(contributes.viewsContainers.activitybar[0].title, 'ML Workbench');
  assert.deepEqual(
    contributes.views[ViewContainer.id].map((v: { id: string }) => v.id),
    [Views.runs, Views.models, Views.pipeline, Views.data, Views.serving, Views.monitoring],
  );
});

test('settings match the typed Config keys', () => {
  assert.deepEqual(sorted(Object.keys(contributes.configuration.properties)), sorted(Object.values(Settings).map((s) => `${CONFIG_SECTION}.${s}`)));
});

test('menus only name known commands, views and context values', () => {
  const known = new Set<string>(Object.values(Commands));
  const contextValues = new Set<string>(Object.values(ContextValues));
  for (const [menu, items] of Object.entries(contributes.menus as Record<string, { command: string; when?: string }[]>)) {
    for (const item of items) {
      assert.ok(known.has(item.command), `${menu}: ${item.command}`);
      for (const [, value] of (item.when ?? '').matchAll(/viewItem == (\w+)/g)) assert.ok(contextValues.has(value!), `${menu}: viewItem ${value}`);
      for (const [, alternatives] of (item.when ?? '').matchAll(/viewItem =~ \/\^\(([\w|]+)\)\$\//g)) {
        for (const value of alternatives!.split('|')) assert.ok(contextValues.has(value), `${menu}: viewItem ${value}`);
      }
      for (const [, view] of (item.when ?? '').matchAll(/view == ([\w.]+)/g)) assert.ok(Object.values(Views).includes(view as never), `${menu}: view ${view}`);
    }
  }
});

test('activation never uses "*" and engines.vscode is no newer than 1.95', () => {
  assert.ok(!manifest.activationEvents.includes('*'));
  assert.match(manifest.engines.vscode, /^\^1\.(\d|[1-8]\d|9[0-5])\.\d+$/);
  assert.equal(manifest.main, './dist/extension.js');
});

test('task types in constants and package.json taskDefinitions are the same set; the training type is core\'s', () => {
  assert.deepEqual(sorted(contributes.taskDefinitions.map((d: { type: string }) => d.type)), sorted(Object.values(TaskTypes)));
  assert.equal(TaskTypes.workbench, TASK_TYPE);
});
