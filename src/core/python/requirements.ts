/**
 * Whether the chosen interpreter can do what the user asked, and when it cannot, exactly what is
 * missing and how it could be installed. Pure decisions over probe results: the host asks, shows
 * the message and runs the install as a task.
 */
import type { InterpreterCandidate, InterpreterSource, ProbedInterpreter, ProbeResult } from './interpreter.js';
import { packageList, PYTHON_PACKAGES, type PythonPackage } from './packages.js';

export interface ProbedCandidate extends InterpreterCandidate {
  readonly probe: ProbeResult;
}

export type InterpreterDecision =
  | { readonly ok: true; readonly candidate: InterpreterCandidate; readonly probe: ProbedInterpreter }
  | { readonly ok: false; readonly shortfall: Shortfall };

/** Why nothing can run: the interpreter that should have, and what it lacks or why it did not start. */
export interface Shortfall {
  /** What the user chose (or `python3` when nothing was chosen), as configured. */
  readonly command: string;
  readonly source: InterpreterSource;
  readonly needs: readonly PythonPackage[];
  /** Present when the interpreter runs. */
  readonly probe?: ProbedInterpreter;
  /** The packages it lacks (empty when it did not start). */
  readonly missing: readonly PythonPackage[];
  /** Why it did not start, when it did not. */
  readonly problem?: { readonly kind: 'not-found' | 'failed' | 'timeout'; readonly detail: string };
  /** The other candidates looked at, in order, each with what it lacked. */
  readonly alsoTried: readonly string[];
}

export function missingPackages(probe: ProbedInterpreter, needs: readonly PythonPackage[]): PythonPackage[] {
  return needs.filter((name) => probe.packages[name] === undefined);
}

/**
 * The first candidate (in the user's order) that has every package `needs` names; else the
 * shortfall of the first candidate that runs (the one the user would expect), or of the first of
 * all when none runs.
 */
export function decideInterpreter(candidates: readonly ProbedCandidate[], needs: readonly PythonPackage[]): InterpreterDecision {
  for (const candidate of candidates) {
    if (candidate.probe.ok && missingPackages(candidate.probe, needs).length === 0) return { ok: true, candidate: { command: candidate.command, source: candidate.source }, probe: candidate.probe };
  }
  const blamed = candidates.find((candidate) => candidate.probe.ok) ?? candidates[0];
  if (!blamed) return { ok: false, shortfall: { command: 'python3', source: 'path', needs, missing: [...needs], problem: { kind: 'not-found', detail: 'no interpreter to try' }, alsoTried: [] } };
  const alsoTried = candidates.filter((candidate) => candidate !== blamed).map((candidate) => `${candidate.command} (${lacking(candidate.probe, needs)})`);
  const { probe } = blamed;
  const base = { command: blamed.command, source: blamed.source, needs, alsoTried };
  if (!probe.ok) return { ok: false, shortfall: { ...base, missing: [], problem: { kind: probe.problem, detail: probe.detail } } };
  return { ok: false, shortfall: { ...base, probe, missing: missingPackages(probe, needs) } };
}

function lacking(probe: ProbeResult, needs: readonly PythonPackage[]): string {
  if (!probe.ok) return probe.problem === 'not-found' ? 'not found' : probe.problem === 'timeout' ? 'no answer' : 'does not start';
  const missing = missingPackages(probe, needs);
  return missing.length === 0 ? 'has everything' : `no ${packageList(missing)}`;
}

const SOURCE_TEXT: Readonly<Record<InterpreterSource, string>> = {
  'python-extension': 'selected in the Python extension',
  setting: 'the mlWorkbench.python setting',
  path: 'python3 on PATH; no interpreter is selected',
};

/** "Serving a model needs MLflow, which /w/.venv/bin/python (Python 3.11.2, the mlWorkbench.python setting) does not have." */
export function shortfallMessage(shortfall: Shortfall, purpose: string): string {
  const where = SOURCE_TEXT[shortfall.source];
  if (shortfall.problem) {
    const why = shortfall.problem.kind === 'not-found' ? 'it was not found' : shortfall.problem.kind === 'timeout' ? 'it did not answer' : `it failed (${shortfall.problem.detail})`;
    const needs = shortfall.needs.length > 0 ? ` with ${packageList(shortfall.needs)}` : '';
    return `${purpose} needs a Python interpreter${needs}, but ${shortfall.command} (${where}) could not be started: ${why}. Select another interpreter.`;
  }
  const probe = shortfall.probe!;
  const name = probe.executable || shortfall.command;
  const installed = shortfall.needs.filter((p) => !shortfall.missing.includes(p)).map((p) => `${PYTHON_PACKAGES[p].label} ${probe.packages[p] || ''}`.trim());
  const has = installed.length > 0 ? ` It has ${installed.join(', ')}.` : '';
  return `${purpose} needs ${packageList(shortfall.missing)}, which ${name} (Python ${probe.version}, ${where}) does not have.${has} Select an interpreter that has ${packageList(shortfall.missing)}, or install ${shortfall.missing.length === 1 ? 'it' : 'them'} there.`;
}

/** One step of an install: an argv, run as a visible task. */
export interface InstallStep {
  readonly command: string;
  readonly args: readonly string[];
  readonly label: string;
}

export type InstallPlan =
  | { readonly kind: 'pip'; readonly interpreter: string; readonly packages: readonly string[]; readonly steps: readonly InstallStep[] }
  | { readonly kind: 'refused'; readonly reason: string };

/** MLflow 3 needs Python 3.10; pip itself no longer runs on anything older than 3.8. */
const MIN_PIP_PYTHON: readonly [number, number] = [3, 8];

/**
 * How to install `packages` into the interpreter: `python -m pip install …` (after `python -m
 * ensurepip` when it has no pip). Refused, with the reason, for a distribution's system Python
 * (PEP 668: pip would refuse) and for a Python too old for pip.
 */
export function installPlan(probe: ProbedInterpreter, packages: readonly PythonPackage[], options: { readonly upgrade?: boolean } = {}): InstallPlan {
  const python = probe.executable;
  const [major = 0, minor = 0] = probe.version.split('.').map(Number);
  if (major < MIN_PIP_PYTHON[0] || (major === MIN_PIP_PYTHON[0] && minor < MIN_PIP_PYTHON[1])) {
    return { kind: 'refused', reason: `${python} is Python ${probe.version}, too old for pip to install ${packageList(packages)} (MLflow needs Python 3.10 or newer). Select a newer interpreter.` };
  }
  if (probe.externallyManaged) {
    return {
      kind: 'refused',
      reason: `${python} is the Python of the operating system (PEP 668 "externally managed"): pip refuses to install packages into it. Create a virtual environment (python3 -m venv .venv), select it, then install ${packageList(packages)} there.`,
    };
  }
  const distributions = packages.map((name) => PYTHON_PACKAGES[name].distribution);
  const steps: InstallStep[] = [];
  if (!probe.hasPip) steps.push({ command: python, args: ['-m', 'ensurepip', '--upgrade'], label: 'python -m ensurepip' });
  const flags = ['--disable-pip-version-check', ...(options.upgrade ? ['--upgrade'] : [])];
  steps.push({ command: python, args: ['-m', 'pip', 'install', ...flags, ...distributions], label: `pip install ${options.upgrade ? '--upgrade ' : ''}${distributions.join(' ')}` });
  return { kind: 'pip', interpreter: python, packages: distributions, steps };
}

export interface VenvPlan {
  /** The new environment's folder and interpreter. */
  readonly venv: string;
  readonly python: string;
  /** What `mlWorkbench.python` is set to once it works: relative to the workspace folder. */
  readonly setting: string;
  readonly steps: readonly InstallStep[];
}

/**
 * The way out of a system Python pip may not touch: a `.venv` in the workspace folder made by that
 * Python (`python -m venv .venv`), then the packages installed into it.
 */
export function venvPlan(base: ProbedInterpreter, folder: string, packages: readonly PythonPackage[], platform: NodeJS.Platform = process.platform): VenvPlan {
  const windows = platform === 'win32';
  const sep = windows ? '\\' : '/';
  const venv = `${folder.replace(/[\\/]+$/, '')}${sep}.venv`;
  const relative = windows ? ['.venv', 'Scripts', 'python.exe'] : ['.venv', 'bin', 'python'];
  const python = [venv, ...relative.slice(1)].join(sep);
  const distributions = packages.map((name) => PYTHON_PACKAGES[name].distribution);
  return {
    venv,
    python,
    setting: ['${workspaceFolder}', ...relative].join('/'),
    steps: [
      { command: base.executable, args: ['-m', 'venv', venv], label: 'python -m venv .venv' },
      { command: python, args: ['-m', 'pip', 'install', '--disable-pip-version-check', ...distributions], label: `pip install ${distributions.join(' ')}` },
    ],
  };
}
