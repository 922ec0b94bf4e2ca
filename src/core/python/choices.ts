/**
 * The interpreters a user can pick, as the quick pick shows them: probed, the same interpreter
 * reached by two paths shown once, those with every package the action needs first, each with the
 * versions it has and the value `mlWorkbench.python` gets when it is chosen.
 */
import { relative, sep } from 'node:path';
import type { DiscoveredInterpreter, DiscoveryKind } from './discovery.js';
import type { ProbeResult } from './interpreter.js';
import { missingPackages } from './requirements.js';
import { PYTHON_PACKAGES, type PythonPackage } from './packages.js';

export interface InterpreterOption {
  readonly interpreter: DiscoveredInterpreter;
  readonly probe: ProbeResult;
  /** Of the needed packages; empty when it has them all (or when it did not start: see `probe`). */
  readonly missing: readonly PythonPackage[];
  readonly ready: boolean;
  readonly current: boolean;
  /** What `mlWorkbench.python` is set to: `${workspaceFolder}/…` inside the folder, else an absolute path. */
  readonly setting: string;
  readonly label: string;
  readonly description: string;
  readonly detail: string;
}

export interface OptionsContext {
  readonly needs: readonly PythonPackage[];
  /** The workspace folder the setting is written for. */
  readonly workspaceFolder: string;
  readonly home: string;
  /** The interpreter in use now (its path and/or `sys.executable`), to mark it. */
  readonly current?: readonly string[];
}

const KIND_TEXT: Readonly<Record<DiscoveryKind, string>> = {
  workspace: 'workspace',
  conda: 'conda',
  pyenv: 'pyenv',
  path: 'PATH',
};

const KIND_ORDER: readonly DiscoveryKind[] = ['workspace', 'conda', 'pyenv', 'path'];

/** Ready ones first, then by where they were found; the same interpreter (prefix + real executable) once. */
export function interpreterOptions(found: readonly DiscoveredInterpreter[], probes: ReadonlyMap<string, ProbeResult>, context: OptionsContext): InterpreterOption[] {
  const seen = new Set<string>();
  const options: InterpreterOption[] = [];
  for (const interpreter of found) {
    const probe = probes.get(interpreter.path);
    if (!probe) continue;
    if (probe.ok) {
      const identity = `${probe.prefix}\0${probe.realExecutable}`;
      if (seen.has(identity)) continue;
      seen.add(identity);
    }
    options.push(option(interpreter, probe, context));
  }
  const weight = (o: InterpreterOption): number => (o.ready ? 0 : o.probe.ok ? 1 : 2);
  return options
    .map((o, index) => ({ o, index }))
    .sort((a, b) => weight(a.o) - weight(b.o) || KIND_ORDER.indexOf(a.o.interpreter.kind) - KIND_ORDER.indexOf(b.o.interpreter.kind) || a.index - b.index)
    .map(({ o }) => o);
}

function option(interpreter: DiscoveredInterpreter, probe: ProbeResult, context: OptionsContext): InterpreterOption {
  const missing = probe.ok ? missingPackages(probe, context.needs) : [];
  const ready = probe.ok && missing.length === 0;
  const current = (context.current ?? []).some((path) => path === interpreter.path || (probe.ok && path === probe.executable));
  const setting = settingValue(interpreter, probe, context.workspaceFolder);
  const version = probe.ok ? `Python ${probe.version}` : 'Python (does not start)';
  const label = `${ready ? '$(pass-filled)' : '$(warning)'} ${version} · ${interpreter.kind === 'path' ? displayPath(interpreter.path, context) : interpreter.name}`;
  const description = `${displayPath(interpreter.path, context)}${current ? ' · in use' : ''}`;
  return { interpreter, probe, missing, ready, current, setting, label, description, detail: detailOf(interpreter, probe, context) };
}

/** "mlflow 3.17.2 · dvc 3.67.1 · pyenv" / "no mlflow · dvc 3.67.1 · PATH · system Python (pip refuses)". */
function detailOf(interpreter: DiscoveredInterpreter, probe: ProbeResult, context: OptionsContext): string {
  const where = KIND_TEXT[interpreter.kind];
  if (!probe.ok) return `${probe.problem === 'timeout' ? 'no answer' : probe.problem === 'not-found' ? 'not found' : 'failed'}: ${probe.detail} · ${where}`;
  // MLflow and DVC always (what the item is about), then whatever else the action needs.
  const shown: PythonPackage[] = [...new Set<PythonPackage>(['mlflow', 'dvc', ...context.needs])];
  const parts = shown.map((name) => {
    const version = probe.packages[name];
    const label = PYTHON_PACKAGES[name].distribution.toLowerCase();
    return version === undefined ? `no ${label}` : `${label} ${version || '(version unknown)'}`.trim();
  });
  parts.push(probe.isVenv ? `${where} venv` : where);
  if (probe.externallyManaged) parts.push('system Python (pip refuses to install here)');
  return parts.join(' · ');
}

/** `~/…` for the home folder, `./…` inside the workspace folder. */
export function displayPath(path: string, context: Pick<OptionsContext, 'home' | 'workspaceFolder'>): string {
  const inside = relative(context.workspaceFolder, path);
  if (inside && !inside.startsWith('..') && !inside.startsWith(sep) && !/^[A-Za-z]:/.test(inside)) return `./${inside.split(sep).join('/')}`;
  if (context.home && (path === context.home || path.startsWith(context.home + sep))) return `~${path.slice(context.home.length)}`;
  return path;
}

function settingValue(interpreter: DiscoveredInterpreter, probe: ProbeResult, workspaceFolder: string): string {
  const inside = relative(workspaceFolder, interpreter.path);
  if (inside && !inside.startsWith('..') && !inside.startsWith(sep) && !/^[A-Za-z]:/.test(inside)) return `\${workspaceFolder}/${inside.split(sep).join('/')}`;
  // A shim (pyenv's, a PATH wrapper) stands for whatever it runs today: keep what it ran.
  return probe.ok && interpreter.kind === 'path' && probe.executable ? probe.executable : interpreter.path;
}
