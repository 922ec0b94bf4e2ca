/**
 * The architecture's fences as `npm run lint` applies them: the project's own ESLint config
 * (eslint.config.mjs, its `layers` allow-list and the git rule) run on planted files, each placed
 * where it would live. Refusals are what the fences are for; the allowed imports beside them show
 * the rule is not refusing everything.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const repo = join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: repo });

/** The messages lint gives `code` placed at `file` (a repo path), of the fence rules only. */
async function fenceMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repo, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'architecture/layers' || m.ruleId === 'no-restricted-syntax' || m.fatal).map((m) => m.message);
}

async function refused(file: string, code: string, why: RegExp): Promise<void> {
  const messages = await fenceMessages(file, code);
  assert.ok(messages.some((m) => why.test(m)), `${file} should be refused (${why}); lint said: ${JSON.stringify(messages)}`);
}

async function allowed(file: string, code: string): Promise<void> {
  assert.deepEqual(await fenceMessages(file, code), [], `${file} should pass`);
}

test('core/dvc never imports tracking, and core/tracking never imports DVC; core/lineage joins them', async () => {
  await refused('src/core/dvc/planted.ts', `import type { Run } from '../tracking/entities.js';\nexport type X = Run;\n`, /core\/dvc may not import src\/core\/tracking\/entities\.ts/);
  await refused('src/core/tracking/planted.ts', `import type { Stage } from '../dvc/entities.js';\nexport type X = Stage;\n`, /core\/tracking may not import src\/core\/dvc\/entities\.ts/);
  await allowed('src/core/lineage/planted.ts', `import type { Run } from '../tracking/entities.js';\nimport type { Stage } from '../dvc/entities.js';\nexport type X = [Run, Stage];\n`);
});

test('no core folder imports vscode or the host', async () => {
  for (const file of ['src/core/planted.ts', 'src/core/tracking/planted.ts', 'src/core/dvc/planted.ts', 'src/core/lineage/planted.ts', 'src/core/git/planted.ts']) {
    await refused(file, `import * as vscode from 'vscode';\nexport const x = vscode;\n`, /may not import the package 'vscode'/);
  }
  await refused('src/core/tasks/planted.ts', `import { readConfig } from '../../host/config.js';\nexport const x = readConfig;\n`, /may not import src\/host\/config\.ts/);
  await allowed('src/core/tasks/planted.ts', `import { join } from 'node:path';\nimport { Emitter } from '../event.js';\nexport const x = [join, Emitter];\n`);
});

test('host features import shared pieces and the features they list, never another feature, nor extension.ts', async () => {
  await refused('src/host/runs/planted.ts', `import { registerPipeline } from '../pipeline/register.js';\nexport const x = registerPipeline;\n`, /host\/runs may not import src\/host\/pipeline\/register\.ts/);
  await refused('src/host/pipeline/planted.ts', `import type { RunsTreeProvider } from '../runs/tree.js';\nexport type X = RunsTreeProvider;\n`, /host\/pipeline may not import src\/host\/runs\/tree\.ts/);
  await refused('src/host/pipeline/planted.ts', `import type { TrackingService } from '../tracking/trackingService.js';\nexport type X = TrackingService;\n`, /host\/pipeline may not import src\/host\/tracking/);
  await refused('src/host/config.ts', `import type { Services } from './services.js';\nexport type X = Services;\n`, /host \(shared\) may not import src\/host\/services\.ts/);
  await refused('src/host/services.ts', `import { activate } from './extension.js';\nexport const x = activate;\n`, /host\/services may not import src\/host\/extension\.ts/);
  await allowed('src/host/models/planted.ts', `import * as vscode from 'vscode';\nimport type { Services } from '../services.js';\nimport type { RunsTreeProvider } from '../runs/tree.js';\nexport type X = [typeof vscode, Services, RunsTreeProvider];\n`);
});

test('webviews share only src/protocol with the extension, and use no Node', async () => {
  await refused('webview/planted.ts', `import type { Run } from '../src/core/tracking/entities.js';\nexport type X = Run;\n`, /webview may not import src\/core\/tracking\/entities\.ts/);
  await refused('webview/planted.ts', `import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n`, /webview may not import the package 'node:fs'/);
  await refused('src/protocol/planted.ts', `import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n`, /protocol may not import the package 'node:fs'/);
});

test('only core/git runs git or imports simple-git; a file in no layer is an error', async () => {
  await refused('src/host/planted.ts', `import { execFile } from 'node:child_process';\nexecFile('git', ['status']);\n`, /Only src\/core\/git runs git/);
  await refused('src/core/dvc/planted.ts', `import { spawn } from 'node:child_process';\nspawn('git', ['rev-parse', 'HEAD']);\n`, /Only src\/core\/git runs git/);
  await refused('src/core/tracking/planted.ts', `import { simpleGit } from 'simple-git';\nexport const x = simpleGit;\n`, /may not import the package 'simple-git'/);
  await allowed('src/core/git/planted.ts', `import { spawn } from 'node:child_process';\nspawn('git', ['status']);\n`);
  await refused('src/planted/x.ts', `export const x = 1;\n`, /is in no layer of eslint\.config\.mjs/);
});
