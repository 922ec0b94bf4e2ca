/**
 * "Debug Stage" / "Debug Entry Point": the same Python command a DVC stage or an MLproject entry
 * point runs, as a launch configuration for the Python debugger (debugpy), so breakpoints in the
 * training code hit. Only a single `python` command can be launched that way; anything else comes
 * back as a `not-python` answer saying why.
 */
import { basename, isAbsolute, resolve } from 'node:path';
import { type MlProject, resolveEntryPoint } from './mlproject.js';
import { formatEntryPointCommand } from './mlprojectParams.js';
import { splitShellWords, type ShellWord } from './shellWords.js';
import { trackingEnv, type TrackingTarget } from './spec.js';

export interface DebugLaunchConfig {
  readonly type: 'debugpy';
  readonly request: 'launch';
  readonly name: string;
  /** Absolute path of the script (`python script.py`); exclusive with `module`. */
  readonly program?: string;
  /** `python -m pkg.mod`. */
  readonly module?: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly justMyCode: true;
  readonly console: 'integratedTerminal';
  /** Interpreter options from the command (`-u`, `-W ignore`, `-X dev`). */
  readonly pythonArgs?: readonly string[];
  /** Set when the command names an interpreter by path (`.venv/bin/python train.py`). */
  readonly python?: string;
}

export interface NotDebuggable {
  readonly reason: 'not-python';
  readonly message: string;
}

export type DebugLaunchResult = DebugLaunchConfig | NotDebuggable;

export const isDebuggable = (result: DebugLaunchResult): result is DebugLaunchConfig => !('reason' in result);

export interface CommandContext {
  /** The launch configuration's name, e.g. `Debug stage train`. */
  readonly name: string;
  /** Absolute working directory of the command. */
  readonly cwd: string;
  /** Variables set before the command's own assignments (the tracking store, say). */
  readonly env?: Readonly<Record<string, string>>;
  /** For `~/…` in the command. */
  readonly home?: string;
}

/**
 * A launch configuration from one command line (already templated): optional `NAME=value`
 * assignments (optionally after `env`), a Python interpreter, its options, then a script or `-m module`.
 */
export function debugConfigForCommand(command: string, context: CommandContext): DebugLaunchResult {
  const split = splitShellWords(command, { home: context.home });
  if (!split.ok) return notPython(`The command uses ${split.feature}, which needs a shell; only a single python command can be debugged.`);
  const words = [...split.words];
  const env: Record<string, string> = { ...(context.env ?? {}) };
  if (words[0]?.value === 'env' && !words[0].assignment) words.shift();
  while (words[0]?.assignment) {
    const { name, value } = words.shift()!.assignment!;
    env[name] = value;
  }
  const interpreter = words.shift();
  if (!interpreter) return notPython('The command is empty.');
  if (!isPythonName(interpreter.value)) return notPython(`The command runs ${basename(interpreter.value)}, not Python; only Python commands can be debugged.`);
  const target = readInterpreterOptions(words);
  if ('message' in target) return target;
  const base = {
    type: 'debugpy' as const,
    request: 'launch' as const,
    name: context.name,
    args: target.args,
    cwd: context.cwd,
    env,
    justMyCode: true as const,
    console: 'integratedTerminal' as const,
    ...(target.pythonArgs.length > 0 ? { pythonArgs: target.pythonArgs } : {}),
    ...(/[\\/]/.test(interpreter.value) ? { python: resolve(context.cwd, interpreter.value) } : {}),
  };
  if (target.module !== undefined) return { ...base, module: target.module };
  return { ...base, program: isAbsolute(target.script!) ? target.script! : resolve(context.cwd, target.script!) };
}

export interface StageDebugOptions {
  readonly stage: string;
  /** The stage's `cmd` from dvc.yaml, `${…}` already resolved: one string or a list of commands. */
  readonly cmd: string | readonly string[];
  /** Absolute folder of the dvc.yaml that declares the stage. */
  readonly dvcYamlDir: string;
  /** The stage's `wdir`, relative to that folder (default `.`). */
  readonly wdir?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly home?: string;
}

/** "Debug Stage": the stage's command under debugpy, in the stage's `wdir`. */
export function stageDebugConfig(options: StageDebugOptions): DebugLaunchResult {
  const commands = typeof options.cmd === 'string' ? [options.cmd] : [...options.cmd];
  const nonEmpty = commands.filter((command) => command.trim() !== '');
  if (nonEmpty.length > 1) return notPython(`Stage ${options.stage} runs ${nonEmpty.length} commands in turn; only a single python command can be debugged.`);
  const cwd = resolve(options.dvcYamlDir, options.wdir ?? '.');
  return debugConfigForCommand(nonEmpty[0] ?? '', { name: `Debug stage ${options.stage}`, cwd, env: options.env, home: options.home });
}

export interface EntryPointDebugOptions {
  readonly project: MlProject;
  readonly projectDir: string;
  readonly entryPoint: string;
  readonly parameters?: Readonly<Record<string, string>>;
  /** The store and experiment, as `mlflow run` would set them. */
  readonly tracking?: TrackingTarget;
  readonly env?: Readonly<Record<string, string>>;
  readonly home?: string;
}

/**
 * "Debug Entry Point": the entry point's command with its parameters substituted as MLflow does
 * (checked, shell-quoted, extra ones appended), run in the project folder. Throws the same
 * TaskErrors as mlflowRun for bad parameter values.
 */
export function entryPointDebugConfig(options: EntryPointDebugOptions): DebugLaunchResult {
  const entry = resolveEntryPoint(options.project, options.entryPoint, options.env);
  const command = formatEntryPointCommand(entry, options.parameters ?? {}, { projectDir: options.projectDir });
  const env = { ...trackingEnv(options.tracking ?? {}), ...(options.env ?? {}) };
  return debugConfigForCommand(command, { name: `Debug entry point ${entry.name}`, cwd: options.projectDir, env, home: options.home });
}

/** `python`, `python3`, `python3.11`, `/usr/bin/python3`, `.venv\Scripts\python.exe`. */
function isPythonName(word: string): boolean {
  return /^python(?:\d+(?:\.\d+)*)?(?:\.exe)?$/i.test(basename(word.replace(/\\/g, '/')));
}

/** Interpreter options without a value, alone or bundled (`-u`, `-OO`, `-uB`). */
const FLAG_OPTIONS = new Set('bBdEiIOPqsSuvx');
/** Options taking a value, joined (`-Wignore`) or as the next word. */
const VALUE_OPTIONS = new Set('WX');

type Target = { args: string[]; pythonArgs: string[]; module?: string; script?: string } | NotDebuggable;

/** Python's own command line (`python [option…] (-m module | script) [args…]`). */
function readInterpreterOptions(words: ShellWord[]): Target {
  const pythonArgs: string[] = [];
  while (words.length > 0) {
    const word = words.shift()!.value;
    if (word === '--') break;
    if (!word.startsWith('-') || word === '-') {
      words.unshift({ value: word });
      break;
    }
    if (word.startsWith('--')) {
      if (word === '--check-hash-based-pycs' && words.length > 0) {
        pythonArgs.push(word, words.shift()!.value);
        continue;
      }
      return notPython(`The python option ${word} does not run a program that can be debugged.`);
    }
    for (let at = 1; at < word.length; at++) {
      const letter = word[at]!;
      if (FLAG_OPTIONS.has(letter)) {
        pythonArgs.push(`-${letter}`);
        continue;
      }
      const rest = word.slice(at + 1);
      const value = rest !== '' ? rest : words.shift()?.value;
      if (value === undefined) return notPython(`The python option -${letter} has no value.`);
      if (letter === 'm') return { pythonArgs, module: value, args: words.map((w) => w.value) };
      if (letter === 'c') return notPython('The command runs code given with python -c; only a script or a module (-m) can be debugged.');
      if (!VALUE_OPTIONS.has(letter)) return notPython(`The python option -${letter} is not one ML Workbench knows how to pass to the debugger.`);
      pythonArgs.push(`-${letter}`, value);
      break;
    }
  }
  const script = words.shift()?.value;
  if (script === undefined || script === '-') return notPython('The command starts an interactive Python or reads the program from stdin; there is no script to debug.');
  return { pythonArgs, script, args: words.map((w) => w.value) };
}

const notPython = (message: string): NotDebuggable => ({ reason: 'not-python', message });
