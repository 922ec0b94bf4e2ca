/**
 * The rule every webview keeps: a strict CSP. No page the extension builds (src/host) and no
 * webview bundle (webview/) allows inline scripts or eval; the one document that needs them
 * (Evidently's own report) is served apart, sandboxed by its server (core/monitoring/reportServer.ts).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { REPO_ROOT } from '../support/python.js';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|tsx|js|html)$/.test(e.name) ? [join(dir, e.name)] : []));
}

test('no webview page or bundle allows unsafe-inline or unsafe-eval', () => {
  const sources = [...files(join(REPO_ROOT, 'src', 'host')), ...files(join(REPO_ROOT, 'webview'))];
  assert.ok(sources.length > 50, `read ${sources.length} files`);
  const offenders = sources.filter((f) => /unsafe-(inline|eval)|unsafe-hashes|wasm-unsafe/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
});
