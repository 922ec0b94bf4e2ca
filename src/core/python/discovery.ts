/**
 * Where Python interpreters live on a machine, found without running any: virtual environments
 * at the top of the workspace folders (`.venv`, `venv`, any folder with a `pyvenv.cfg`, a conda
 * env with `conda-meta`), conda environments (`~/.conda/environments.txt`, `$CONDA_PREFIX`, the
 * installation of `$CONDA_EXE` and the usual install folders), pyenv versions and virtualenvs
 * (`$PYENV_ROOT/versions`), and `python3`/`python` in each PATH folder. Bounded: a few hundred
 * directory reads at most, whatever the machine holds.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, delimiter as posixDelimiter, dirname, join } from 'node:path';

export type DiscoveryKind = 'workspace' | 'conda' | 'pyenv' | 'path';

export interface DiscoveredInterpreter {
  /** The interpreter's absolute path. */
  readonly path: string;
  readonly kind: DiscoveryKind;
  /** The environment's name: `.venv`, a conda env's folder name, a pyenv version, the PATH folder. */
  readonly name: string;
  /** For `workspace`: the workspace folder it lives in. */
  readonly workspaceFolder?: string;
}

export interface DiscoveryInputs {
  readonly workspaceFolders: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  readonly platform?: NodeJS.Platform;
}

/** Limits that keep discovery cheap on a machine with thousands of PATH entries or envs. */
const MAX_DIR_ENTRIES = 500;
const MAX_ENVS_PER_PLACE = 100;
const CONDA_ROOTS = ['miniconda3', 'anaconda3', 'miniforge3', 'mambaforge', 'micromamba', '.conda'];
const WORKSPACE_SKIP = new Set(['node_modules', '.git', '.dvc', 'mlruns', 'mlartifacts', '.hg', '.svn']);

export async function discoverInterpreters(inputs: DiscoveryInputs): Promise<DiscoveredInterpreter[]> {
  const platform = inputs.platform ?? process.platform;
  const groups = await Promise.all([workspaceEnvs(inputs, platform), condaEnvs(inputs, platform), pyenvVersions(inputs, platform), pathInterpreters(inputs, platform)]);
  const seen = new Set<string>();
  const found: DiscoveredInterpreter[] = [];
  for (const interpreter of groups.flat()) {
    if (seen.has(interpreter.path)) continue;
    seen.add(interpreter.path);
    found.push(interpreter);
  }
  return found;
}

/** The interpreter inside an environment folder (`bin/python`, `Scripts\python.exe` or a conda env's `python.exe`). */
export function environmentPython(prefix: string, platform: NodeJS.Platform): string[] {
  return platform === 'win32' ? [join(prefix, 'Scripts', 'python.exe'), join(prefix, 'python.exe')] : [join(prefix, 'bin', 'python')];
}

async function isFile(path: string): Promise<boolean> {
  try {
    return await (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return await (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function listDirectories(dir: string, limit = MAX_DIR_ENTRIES): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    // Symlinked folders count (pyenv-virtualenv links each env into versions/).
    return await entries
      .filter((entry) => entry.isDirectory() || entry.isSymbolicLink())
      .map((entry) => entry.name)
      .sort()
      .slice(0, limit);
  } catch {
    return [];
  }
}

async function firstPython(prefix: string, platform: NodeJS.Platform): Promise<string | undefined> {
  for (const candidate of environmentPython(prefix, platform)) if (await isFile(candidate)) return candidate;
  return undefined;
}

/** A folder that is an environment: a venv (`pyvenv.cfg`) or a conda env (`conda-meta`). */
async function isEnvironment(prefix: string): Promise<boolean> {
  return (await isFile(join(prefix, 'pyvenv.cfg'))) || (await isDirectory(join(prefix, 'conda-meta')));
}

async function workspaceEnvs(inputs: DiscoveryInputs, platform: NodeJS.Platform): Promise<DiscoveredInterpreter[]> {
  const found: DiscoveredInterpreter[] = [];
  for (const folder of inputs.workspaceFolders) {
    const names = (await listDirectories(folder)).filter((name) => !WORKSPACE_SKIP.has(name));
    // .venv and venv first: the names tools create, and the ones a user expects at the top.
    names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      const prefix = join(folder, name);
      if (!(await isEnvironment(prefix))) continue;
      const python = await firstPython(prefix, platform);
      if (python) found.push({ path: python, kind: 'workspace', name, workspaceFolder: folder });
    }
  }
  return found;
}

const rank = (name: string): number => (name === '.venv' ? 0 : name === 'venv' ? 1 : 2);

async function condaEnvs(inputs: DiscoveryInputs, platform: NodeJS.Platform): Promise<DiscoveredInterpreter[]> {
  const prefixes: string[] = [];
  const listed = await readFile(join(inputs.home, '.conda', 'environments.txt'), 'utf8').catch(() => '');
  prefixes.push(...listed.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).slice(0, MAX_ENVS_PER_PLACE));
  if (inputs.env['CONDA_PREFIX']) prefixes.push(inputs.env['CONDA_PREFIX']);
  const roots = CONDA_ROOTS.map((name) => join(inputs.home, name));
  if (platform !== 'win32') roots.push('/opt/conda');
  const condaExe = inputs.env['CONDA_EXE'];
  // CONDA_EXE is <root>/bin/conda (Scripts\conda.exe on Windows).
  if (condaExe) roots.unshift(dirname(dirname(condaExe)));
  for (const root of roots) {
    if (!(await isDirectory(join(root, 'conda-meta')))) continue;
    prefixes.push(root);
    for (const name of await listDirectories(join(root, 'envs'), MAX_ENVS_PER_PLACE)) prefixes.push(join(root, 'envs', name));
  }
  const found: DiscoveredInterpreter[] = [];
  for (const prefix of prefixes) {
    if (!(await isDirectory(join(prefix, 'conda-meta')))) continue;
    const python = await firstPython(prefix, platform);
    if (python) found.push({ path: python, kind: 'conda', name: basename(prefix) });
  }
  return found;
}

async function pyenvVersions(inputs: DiscoveryInputs, platform: NodeJS.Platform): Promise<DiscoveredInterpreter[]> {
  const root = inputs.env['PYENV_ROOT'] || join(inputs.home, platform === 'win32' ? join('.pyenv', 'pyenv-win') : '.pyenv');
  const found: DiscoveredInterpreter[] = [];
  for (const name of await listDirectories(join(root, 'versions'), MAX_ENVS_PER_PLACE)) {
    const prefix = join(root, 'versions', name);
    const python = platform === 'win32' ? join(prefix, 'python.exe') : join(prefix, 'bin', 'python');
    if (await isFile(python)) found.push({ path: python, kind: 'pyenv', name });
  }
  return found;
}

const PATH_NAMES = /^python(3(\.\d+)?)?$/;
const PATH_NAMES_WINDOWS = /^python(3(\.\d+)?)?\.exe$/i;

async function pathInterpreters(inputs: DiscoveryInputs, platform: NodeJS.Platform): Promise<DiscoveredInterpreter[]> {
  const separator = platform === 'win32' ? ';' : posixDelimiter;
  const dirs = [...new Set((inputs.env['PATH'] ?? inputs.env['Path'] ?? '').split(separator).filter(Boolean))].slice(0, 100);
  const pattern = platform === 'win32' ? PATH_NAMES_WINDOWS : PATH_NAMES;
  const found: DiscoveredInterpreter[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((name) => pattern.test(name)).sort(byPythonName);
    } catch {
      continue;
    }
    for (const name of names) {
      // The Microsoft Store's python.exe stubs open the Store instead of running Python.
      if (platform === 'win32' && /WindowsApps/i.test(dir)) continue;
      const path = join(dir, name);
      if (await isFile(path)) found.push({ path, kind: 'path', name: dir });
    }
  }
  return found;
}

/** python3 before python3.11 before python: the name a user types first. */
function byPythonName(a: string, b: string): number {
  const order = (name: string): number => (/^python3(\.exe)?$/i.test(name) ? 0 : /^python3\./i.test(name) ? 1 : 2);
  return order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0);
}
