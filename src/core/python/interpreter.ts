/**
 * Which Python to run MLflow in, as DESIGN.md orders it: the interpreter selected in the Python
 * extension, else the `mlWorkbench.python` setting, else `python3` (`python` on Windows) on PATH.
 * The host gathers the inputs; the choice and the probe are plain core functions.
 */
import { isAbsolute, resolve } from 'node:path';
import { WorkbenchError } from '../errors.js';
import { ALL_PACKAGES, PYTHON_PACKAGES, type PythonPackage } from './packages.js';
import { runProcess } from './process.js';

export type InterpreterSource = 'python-extension' | 'setting' | 'path';

export interface InterpreterCandidate {
  /** An absolute path, or a bare command name for `path`. */
  readonly command: string;
  readonly source: InterpreterSource;
}

export interface InterpreterInputs {
  /** `environments.getActiveEnvironmentPath(folder).path` from @vscode/python-extension, resolved. */
  readonly pythonExtensionPath?: string;
  /** The setting as the user wrote it; a relative path is taken from the workspace folder. */
  readonly setting?: string;
  readonly workspaceFolder: string;
  readonly platform?: NodeJS.Platform;
}

/**
 * The candidates in order, empty and duplicate entries dropped. `python3` on PATH is a candidate
 * only when nothing was chosen: an interpreter the user picked is never silently swapped for
 * another one (when it lacks a package, the user is told and offered a pick or an install).
 */
export function interpreterCandidates(inputs: InterpreterInputs): InterpreterCandidate[] {
  const candidates: InterpreterCandidate[] = [];
  const add = (command: string | undefined, source: InterpreterSource): void => {
    const trimmed = command?.trim();
    if (!trimmed || candidates.some((candidate) => candidate.command === trimmed)) return;
    candidates.push({ command: trimmed, source });
  };
  add(inputs.pythonExtensionPath, 'python-extension');
  add(settingPath(inputs.setting, inputs.workspaceFolder), 'setting');
  if (candidates.length === 0) add(defaultPython(inputs.platform), 'path');
  return candidates;
}

/** What runs when nothing is chosen: `python3` (`python` on Windows) on PATH. */
export function defaultPython(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'python' : 'python3';
}

/** `~` and `${workspaceFolder}` as VS Code users write them; a bare name stays a PATH lookup. */
function settingPath(setting: string | undefined, workspaceFolder: string): string | undefined {
  let value = setting?.trim();
  if (!value) return undefined;
  value = value.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
  if (value === '~' || value.startsWith('~/')) value = `${process.env['HOME'] ?? ''}${value.slice(1)}`;
  if (isAbsolute(value) || !/[\\/]/.test(value)) return value;
  return resolve(workspaceFolder, value);
}

export interface ProbedInterpreter {
  readonly ok: true;
  readonly command: string;
  /** `sys.executable`: the path as started (a venv's own `bin/python`, not its base). */
  readonly executable: string;
  /** `sys.executable` with every symlink resolved: with `prefix`, what tells two paths to one interpreter apart. */
  readonly realExecutable: string;
  /** `sys.prefix`: the venv or conda env, or the installation. */
  readonly prefix: string;
  readonly version: string;
  /** A virtual environment (`sys.prefix != sys.base_prefix`). */
  readonly isVenv: boolean;
  /** PEP 668: pip refuses to install into it (a distribution's system Python). */
  readonly externallyManaged: boolean;
  readonly hasPip: boolean;
  /** Installed packages we care about → their version ('' when installed without metadata). */
  readonly packages: Readonly<Partial<Record<PythonPackage, string>>>;
  readonly hasMlflow: boolean;
  readonly mlflowVersion?: string;
}

export type ProbeResult =
  | ProbedInterpreter
  | { readonly ok: false; readonly command: string; readonly problem: 'not-found' | 'failed' | 'timeout'; readonly detail: string };

export interface ProbeOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/**
 * Looks packages up without importing them (find_spec + importlib.metadata): a full `import
 * mlflow` takes seconds, the probe a few hundred milliseconds. The working directory stays off
 * sys.path. Written for any Python (2.7 included), so an old one is reported by its version
 * instead of failing with a syntax error.
 */
const PROBE_SCRIPT = [
  'import sys, os, json',
  'sys.path[:] = [p for p in sys.path if p not in ("", ".")]',
  'base = getattr(sys, "base_prefix", getattr(sys, "real_prefix", sys.prefix))',
  'info = {"version": "%d.%d.%d" % tuple(sys.version_info[:3]), "executable": sys.executable,',
  '        "real": os.path.realpath(sys.executable), "prefix": sys.prefix, "venv": sys.prefix != base or hasattr(sys, "real_prefix"),',
  '        "managed": False, "packages": {}, "pip": False}',
  'try:',
  '    import sysconfig',
  '    info["managed"] = not info["venv"] and os.path.isfile(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))',
  'except Exception:',
  '    pass',
  'try:',
  '    import importlib.util',
  '    find = importlib.util.find_spec',
  'except Exception:',
  '    find = None',
  'if find is not None:',
  '    try:',
  '        from importlib.metadata import version',
  '    except Exception:',
  '        version = None',
  '    info["pip"] = find("pip") is not None',
  '    for module, dist in json.loads(sys.argv[1]):',
  '        try:',
  '            if find(module) is None:',
  '                continue',
  '        except Exception:',
  '            continue',
  '        try:',
  '            info["packages"][module] = version(dist) if version else ""',
  '        except Exception:',
  '            info["packages"][module] = ""',
  'sys.stdout.write(json.dumps(info))',
].join('\n');

const PROBED_MODULES = JSON.stringify(ALL_PACKAGES.map((name) => [PYTHON_PACKAGES[name].module, PYTHON_PACKAGES[name].distribution]));

interface ProbeOutput {
  readonly version: string;
  readonly executable: string;
  readonly real: string;
  readonly prefix: string;
  readonly venv: boolean;
  readonly managed: boolean;
  readonly pip: boolean;
  readonly packages: Record<string, string>;
}

/** What the interpreter is and which of our packages it has; never throws except on abort. */
export async function probeInterpreter(command: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let outcome;
  try {
    outcome = await runProcess(command, ['-c', PROBE_SCRIPT, PROBED_MODULES], { timeoutMs, signal: options.signal, env: { ...(options.env ?? process.env), PYTHONSAFEPATH: '1' }, cwd: options.cwd, maxStdout: 64 << 10 });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const notFound = code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR';
    return { ok: false, command, problem: notFound ? 'not-found' : 'failed', detail: `${code ?? ''} ${(error as Error).message}`.trim() };
  }
  if (outcome.timedOut) return { ok: false, command, problem: 'timeout', detail: `no answer within ${timeoutMs / 1_000} s` };
  try {
    return await probed(command, JSON.parse(outcome.stdout) as ProbeOutput);
  } catch {
    const detail = outcome.stderr.trim().split('\n').slice(-2).join(' | ') || `exit ${outcome.code}`;
    return { ok: false, command, problem: 'failed', detail };
  }
}

function probed(command: string, info: ProbeOutput): ProbedInterpreter {
  if (typeof info.version !== 'string' || typeof info.executable !== 'string') throw new Error('not a probe answer');
  const packages: Partial<Record<PythonPackage, string>> = {};
  for (const name of ALL_PACKAGES) {
    const version = info.packages?.[PYTHON_PACKAGES[name].module];
    if (typeof version === 'string') packages[name] = version;
  }
  return {
    ok: true,
    command,
    executable: info.executable,
    realExecutable: typeof info.real === 'string' ? info.real : info.executable,
    prefix: typeof info.prefix === 'string' ? info.prefix : '',
    version: info.version,
    isVenv: info.venv === true,
    externallyManaged: info.managed === true,
    hasPip: info.pip === true,
    packages,
    hasMlflow: packages.mlflow !== undefined,
    ...(packages.mlflow ? { mlflowVersion: packages.mlflow } : {}),
  };
}

export interface InterpreterChoice {
  /** The first candidate with MLflow installed, if any. */
  readonly chosen?: InterpreterCandidate & { readonly probe: ProbedInterpreter };
  /** Every probe made, in order: what the host shows when nothing fits. */
  readonly probes: readonly ProbeResult[];
}

/** Probes the candidates in order and stops at the first one that has MLflow. */
export async function chooseInterpreter(candidates: readonly InterpreterCandidate[], options: ProbeOptions = {}): Promise<InterpreterChoice> {
  const probes: ProbeResult[] = [];
  for (const candidate of candidates) {
    const probe = await probeInterpreter(candidate.command, options);
    probes.push(probe);
    if (probe.ok && probe.hasMlflow) return { chosen: { ...candidate, probe }, probes };
  }
  return { probes };
}

/** No interpreter runs, or none has MLflow: the host offers "Select Interpreter…" on these reasons. */
export class PythonError extends WorkbenchError {
  override readonly name = 'PythonError';
  constructor(
    override readonly reason: 'python-not-found' | 'mlflow-not-installed',
    message: string,
    /** The interpreter tried first (or the one without MLflow). */
    readonly interpreter: string,
  ) {
    super(message);
  }
}
