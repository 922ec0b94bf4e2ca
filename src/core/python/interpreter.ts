/**
 * Which Python to run MLflow in, as DESIGN.md orders it: the interpreter selected in the Python
 * extension, else the `mlWorkbench.python` setting, else `python3` (`python` on Windows) on PATH.
 * The host gathers the inputs; the choice and the probe are plain core functions.
 */
import { isAbsolute, resolve } from 'node:path';
import { WorkbenchError } from '../errors.js';
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

/** The candidates in order, empty and duplicate entries dropped. */
export function interpreterCandidates(inputs: InterpreterInputs): InterpreterCandidate[] {
  const candidates: InterpreterCandidate[] = [];
  const add = (command: string | undefined, source: InterpreterSource): void => {
    const trimmed = command?.trim();
    if (!trimmed || candidates.some((candidate) => candidate.command === trimmed)) return;
    candidates.push({ command: trimmed, source });
  };
  add(inputs.pythonExtensionPath, 'python-extension');
  add(settingPath(inputs.setting, inputs.workspaceFolder), 'setting');
  add((inputs.platform ?? process.platform) === 'win32' ? 'python' : 'python3', 'path');
  return candidates;
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

export type ProbeResult =
  | { readonly ok: true; readonly command: string; readonly executable: string; readonly version: string; readonly hasMlflow: boolean; readonly mlflowVersion?: string }
  | { readonly ok: false; readonly command: string; readonly problem: 'not-found' | 'failed' | 'timeout'; readonly detail: string };

export interface ProbeOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/**
 * Looks for MLflow without importing it (find_spec + importlib.metadata): a full `import mlflow`
 * takes seconds, the probe a few hundred milliseconds. The working directory stays off sys.path.
 */
const PROBE_SCRIPT = [
  'import sys',
  'sys.path[:] = [p for p in sys.path if p not in ("", ".")]',
  'import json, importlib.util',
  'info = {"version": "%d.%d.%d" % sys.version_info[:3], "executable": sys.executable, "mlflow": None}',
  'if importlib.util.find_spec("mlflow") is not None:',
  '    info["mlflow"] = ""',
  '    try:',
  '        from importlib.metadata import version',
  '        info["mlflow"] = version("mlflow")',
  '    except Exception:',
  '        pass',
  'sys.stdout.write(json.dumps(info))',
].join('\n');

/** What the interpreter is and whether MLflow is installed in it; never throws except on abort. */
export async function probeInterpreter(command: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let outcome;
  try {
    outcome = await runProcess(command, ['-c', PROBE_SCRIPT], { timeoutMs, signal: options.signal, env: { ...(options.env ?? process.env), PYTHONSAFEPATH: '1' }, cwd: options.cwd, maxStdout: 64 << 10 });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const notFound = code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR';
    return { ok: false, command, problem: notFound ? 'not-found' : 'failed', detail: `${code ?? ''} ${(error as Error).message}`.trim() };
  }
  if (outcome.timedOut) return { ok: false, command, problem: 'timeout', detail: `no answer within ${timeoutMs / 1_000} s` };
  try {
    const info = JSON.parse(outcome.stdout) as { version: string; executable: string; mlflow: string | null };
    const mlflow = info.mlflow === null ? {} : info.mlflow ? { mlflowVersion: info.mlflow } : {};
    return { ok: true, command, executable: info.executable, version: info.version, hasMlflow: info.mlflow !== null, ...mlflow };
  } catch {
    const detail = outcome.stderr.trim().split('\n').slice(-2).join(' | ') || `exit ${outcome.code}`;
    return { ok: false, command, problem: 'failed', detail };
  }
}

export interface InterpreterChoice {
  /** The first candidate with MLflow installed, if any. */
  readonly chosen?: InterpreterCandidate & { readonly probe: Extract<ProbeResult, { ok: true }> };
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

/** The interpreter a task runs in: the one with MLflow, else the first that runs at all (DVC alone needs no MLflow). */
export function runnableInterpreter(choice: InterpreterChoice): { readonly python: string; readonly hasMlflow: boolean } | undefined {
  if (choice.chosen) return { python: choice.chosen.probe.executable, hasMlflow: true };
  const working = choice.probes.find((probe) => probe.ok);
  return working?.ok ? { python: working.executable, hasMlflow: false } : undefined;
}

/** The interpreters tried and why each did not do, for a message: `python3 (Python 3.11, no mlflow); /opt/py (not-found)`. */
export function triedInterpreters(choice: InterpreterChoice): string {
  return choice.probes.map((p) => (p.ok ? `${p.command} (Python ${p.version}, no mlflow)` : `${p.command} (${p.problem})`)).join('; ');
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
