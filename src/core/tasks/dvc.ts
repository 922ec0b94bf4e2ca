/**
 * DVC tasks, run as `<python> -m dvc …` so the interpreter the user picked (and the DVC installed
 * in it) does the work. Option names are those of dvc 3.x (`dvc repro --help`, `dvc exp run --help`).
 */
import { requireOperand, TaskError, type TaskSpec } from './spec.js';

export interface DvcBase {
  readonly python: string;
  /** The DVC repository root (where `dvc.yaml` targets are resolved from). */
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
}

export interface DvcReproOptions extends DvcBase {
  /** Stage names or `path/dvc.yaml:stage` targets; none reproduces the whole pipeline. */
  readonly targets?: readonly string[];
  /** `--downstream`: the targets and every stage that depends on them. */
  readonly downstream?: boolean;
  /** `--force`: run even if nothing changed. */
  readonly force?: boolean;
  /** `--single-item`: only the targets, not their upstream stages. */
  readonly singleItem?: boolean;
  /** `--pull`: fetch missing data from the remote first. */
  readonly pull?: boolean;
}

/** `dvc repro [flags] [targets…]`. */
export function dvcRepro(options: DvcReproOptions): TaskSpec {
  const targets = (options.targets ?? []).map((target) => requireOperand(target, 'stage'));
  const flags = reproFlags(options);
  return dvcSpec(options, ['repro', ...flags, ...targets], `dvc repro${suffix(flags, targets)}`);
}

export interface DvcExpRunOptions extends DvcReproOptions {
  /**
   * `--set-param` overrides, in order: `[file:]name` → value, for example
   * `{ 'train.lr': '0.01', 'params.yaml:epochs': '5' }`. DVC parses each value as YAML.
   */
  readonly setParams?: Readonly<Record<string, string>> | readonly (readonly [string, string])[];
  /** `--name`: the experiment's name (else DVC makes one up). */
  readonly name?: string;
  /** `--queue`: queue it instead of running it now. */
  readonly queue?: boolean;
  /** `--temp`: run in a temporary directory. */
  readonly temp?: boolean;
  /** `--message`. */
  readonly message?: string;
}

/** `dvc exp run [flags] [--set-param k=v …] [targets…]`. */
export function dvcExpRun(options: DvcExpRunOptions): TaskSpec {
  const targets = (options.targets ?? []).map((target) => requireOperand(target, 'stage'));
  const flags = reproFlags(options);
  if (options.name !== undefined) flags.push('--name', requireOperand(options.name, 'experiment name'));
  if (options.queue) flags.push('--queue');
  if (options.temp) flags.push('--temp');
  if (options.message !== undefined) flags.push('--message', options.message);
  const entries = Array.isArray(options.setParams) ? options.setParams : Object.entries(options.setParams ?? {});
  const overrides = entries.flatMap(([key, value]: readonly [string, string]) => ['--set-param', `${paramKey(key)}=${value}`]);
  return dvcSpec(options, ['exp', 'run', ...flags, ...overrides, ...targets], `dvc exp run${suffix([...flags, ...overrides], targets)}`);
}

export interface DvcCheckoutOptions extends DvcBase {
  /** `.dvc` files, tracked paths or stage names; none checks out the whole workspace. */
  readonly targets?: readonly string[];
  /** `--force`: no prompt before replacing modified workspace files (a task cannot answer one). */
  readonly force?: boolean;
  readonly withDeps?: boolean;
  readonly relink?: boolean;
}

/** `dvc checkout [flags] [targets…]`: makes the workspace match the hashes in the `.dvc`/`dvc.lock` files. */
export function dvcCheckout(options: DvcCheckoutOptions): TaskSpec {
  const targets = (options.targets ?? []).map((target) => requireOperand(target, 'target'));
  const flags: string[] = [];
  if (options.force) flags.push('--force');
  if (options.withDeps) flags.push('--with-deps');
  if (options.relink) flags.push('--relink');
  return dvcSpec(options, ['checkout', ...flags, ...targets], `dvc checkout${suffix(flags, targets)}`);
}

export interface DataVersionOptions extends DvcBase {
  /** The commit (or other git revision) whose version of the data to restore. */
  readonly revision: string;
  /** The `.dvc` file (or `dvc.lock`) that records that version, relative to `cwd`. */
  readonly dvcFile: string;
  readonly git?: string;
}

/**
 * "Check out this data version": first the `.dvc` file as it was at `revision` (`git checkout REV --
 * FILE`, which only touches that file), then `dvc checkout FILE --force` to bring the data in line.
 * Run them in order; stop at the first that fails.
 */
export function dataVersionCheckout(options: DataVersionOptions): [TaskSpec, TaskSpec] {
  const revision = requireOperand(options.revision, 'git revision');
  const file = requireOperand(options.dvcFile, '.dvc file');
  const git: TaskSpec = {
    command: options.git ?? 'git',
    args: ['checkout', revision, '--', file],
    cwd: options.cwd,
    env: { ...(options.env ?? {}) },
    label: `git checkout ${revision.slice(0, 12)} -- ${file}`,
  };
  return [git, dvcCheckout({ ...options, targets: [file], force: true })];
}

export interface DvcTransferOptions extends DvcBase {
  /** Tracked paths, `.dvc` files or stage names (`data/raw.csv`, `data/raw.csv.dvc`, `train`); none: the whole workspace. */
  readonly targets?: readonly string[];
  /** `--remote NAME`; DVC's default remote (`core.remote`) otherwise. */
  readonly remote?: string;
  /** `--jobs N`: parallel transfers. */
  readonly jobs?: number;
  /** `--recursive`: targets that are folders hold `.dvc` files to transfer. */
  readonly recursive?: boolean;
}

export interface DvcPullOptions extends DvcTransferOptions {
  /** `--force`: replace modified workspace files without asking (a task cannot answer a prompt). */
  readonly force?: boolean;
}

/** `dvc push [--remote R] [--jobs N] [--recursive] [targets…]`: cache → remote. */
export function dvcPush(options: DvcTransferOptions): TaskSpec {
  return transfer('push', options, []);
}

/** `dvc pull [--remote R] [--jobs N] [--recursive] [--force] [targets…]`: remote → cache → workspace. */
export function dvcPull(options: DvcPullOptions): TaskSpec {
  return transfer('pull', options, options.force ? ['--force'] : []);
}

/** `dvc fetch [--remote R] [--jobs N] [--recursive] [targets…]`: remote → cache only (the workspace is untouched). */
export function dvcFetch(options: DvcTransferOptions): TaskSpec {
  return transfer('fetch', options, []);
}

function transfer(command: 'push' | 'pull' | 'fetch', options: DvcTransferOptions, extra: readonly string[]): TaskSpec {
  const targets = (options.targets ?? []).map((target) => requireOperand(target, 'target'));
  const flags: string[] = [];
  if (options.remote !== undefined) flags.push('--remote', requireOperand(options.remote, 'remote name'));
  if (options.jobs !== undefined) {
    if (!Number.isInteger(options.jobs) || options.jobs < 1) throw new TaskError('invalid-argument', `--jobs must be a positive integer, not ${options.jobs}.`, String(options.jobs));
    flags.push('--jobs', String(options.jobs));
  }
  if (options.recursive) flags.push('--recursive');
  flags.push(...extra);
  return dvcSpec(options, [command, ...flags, ...targets], `dvc ${command}${suffix(flags, targets)}`);
}

function reproFlags(options: DvcReproOptions): string[] {
  const flags: string[] = [];
  if (options.downstream) flags.push('--downstream');
  if (options.force) flags.push('--force');
  if (options.singleItem) flags.push('--single-item');
  if (options.pull) flags.push('--pull');
  return flags;
}

/** DVC splits `[file:]name=value` at the first `=`, so a name can't hold one. */
function paramKey(key: string): string {
  requireOperand(key, 'parameter name');
  if (key.includes('=')) throw new TaskError('invalid-argument', `The parameter name "${key}" contains "=".`, key);
  return key;
}

function dvcSpec(options: DvcBase, args: string[], label: string): TaskSpec {
  return { command: options.python, args: ['-m', 'dvc', ...args], cwd: options.cwd, env: { ...(options.env ?? {}) }, label };
}

const suffix = (flags: readonly string[], targets: readonly string[]): string => [...flags, ...targets].map((part) => ` ${part}`).join('');
