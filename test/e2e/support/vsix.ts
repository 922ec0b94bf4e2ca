/**
 * The packaged extension under test: dist/ml-workbench.vsix, rebuilt with `npm run package` when
 * it is missing or older than anything that goes into it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './codeServer';

export const VSIX = join(REPO_ROOT, 'dist', 'ml-workbench.vsix');
const INPUTS = ['src', 'webview', 'media', 'templates', 'package.json', 'README.md'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), stat.mtimeMs);
}

/** Path of an up-to-date .vsix. Set ML_WORKBENCH_E2E_VSIX to test a given file as is. */
export function ensureVsix(): string {
  const given = process.env.ML_WORKBENCH_E2E_VSIX;
  if (given) return given;
  const inputs = Math.max(...INPUTS.map((name) => newestMtime(join(REPO_ROOT, name))));
  if (!existsSync(VSIX) || statSync(VSIX).mtimeMs < inputs) {
    console.error('[e2e] dist/ml-workbench.vsix is missing or stale: npm run package');
    execFileSync('npm', ['run', 'package'], { cwd: REPO_ROOT, stdio: ['ignore', process.stderr, process.stderr] });
  }
  return VSIX;
}
