/**
 * `exp-show`: what `dvc exp show --json` prints for the same repo and flags (`--rev`, `-n`, `-A`,
 * `-a`, `-T`, `--hide-queued`, `--hide-failed`, `--hide-workspace`), read natively; without
 * `--json`, one line per row. NaN and infinite metrics print as null (JSON has no word for them).
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { DvcExperiments, experimentRows, ExperimentsError, type ExpShowOptions } from '../core/dvc/experiments/index.js';
import { single, UsageError, type ParsedArgs } from './args.js';
import { toJsonText } from './json.js';

export const EXP_USAGE = `  exp-show        [--repo DIR] [--rev REV]... [-n N] [-A] [-a] [-T] [--hide-queued] [--hide-failed] [--hide-workspace]
                  [--row-cache FILE | --no-row-cache]   (as dvc exp show --json; commit rows kept in ~/.cache/ml-workbench)`;

export const EXP_BOOLEAN_FLAGS = ['all-commits', 'all-branches', 'all-tags', 'hide-queued', 'hide-failed', 'hide-workspace', 'no-row-cache'] as const;

/** dvc's one-letter flags, spelled as this CLI's long ones. */
export const EXP_SHORT_FLAGS: Readonly<Record<string, string>> = { '-A': '--all-commits', '-a': '--all-branches', '-T': '--all-tags', '-n': '--num' };

interface Io {
  out(text: string): void;
  err(text: string): void;
}

export async function runExpShow(args: ParsedArgs, io: Io): Promise<number> {
  const options = showOptions(args);
  const root = resolve(single(args, 'repo') ?? process.cwd());
  const rowCachePath = args.flags.has('no-row-cache') ? undefined : (single(args, 'row-cache') ?? defaultRowCache(root));
  // A new process per read: the workspace's row is kept too, and used while its files are unchanged.
  const experiments = new DvcExperiments(root, rowCachePath ? { rowCachePath, keepWorkspaceRow: true } : {});
  try {
    const json = args.flags.has('json');
    // The JSON answer is kept beside the row cache by what it was made from: asked again with
    // nothing changed (refs, queue, workspace files, config), it is printed without computing it.
    const answerPath = json && rowCachePath ? `${rowCachePath.replace(/\.json$/, '')}.answer` : undefined;
    const key = answerPath ? await experiments.answerKey(options).then((k) => (k === undefined ? undefined : `${buildStamp()}${k}`)) : undefined;
    const kept = key !== undefined ? await keptAnswer(answerPath!, key) : undefined;
    if (kept !== undefined) {
      io.out(kept);
      return 0;
    }
    const { states, problems, settled } = await experiments.read(options);
    if (json) {
      const text = toJsonText(states) + '\n';
      io.out(text);
      // Not an answer with a row in error (a missing cache object may be pulled): computed again next time.
      if (key !== undefined && settled) await keepAnswer(answerPath!, key, text);
    } else io.out(table(states));
    for (const problem of problems) io.err(`ml-workbench: warning: skipped ${problem}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ExperimentsError) {
      io.err(`ml-workbench: failed to show experiments - ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    experiments.dispose();
  }
}

/** This build of the CLI (its file's size and time) and the time zone: an answer kept by another is not used. */
function buildStamp(): string {
  let build = '';
  try {
    const info = statSync(__filename);
    build = `${info.size}:${info.mtimeMs}`;
  } catch {
    // Not a file (an unusual loader): the zone and the inputs still key the answer.
  }
  return `${build}|${new Date().getTimezoneOffset()}|`;
}

/** The kept answer when its first line is `key`. */
async function keptAnswer(path: string, key: string): Promise<string | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    const end = text.indexOf('\n');
    return end === key.length && text.startsWith(key) ? text.slice(end + 1) : undefined;
  } catch {
    return undefined;
  }
}

async function keepAnswer(path: string, key: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(temporary, `${key}\n${text}`);
    await rename(temporary, path);
  } catch {
    // An optimisation: a folder that cannot be written costs the next process time, not this answer.
    await rm(temporary, { force: true }).catch(() => undefined);
  }
}

/** One file per repo in our cache folder (never in the repo), like the stat cache of `status`. */
function defaultRowCache(root: string): string {
  const base = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'ml-workbench', 'dvc-exp-rows', `${createHash('sha256').update(root).digest('hex').slice(0, 16)}.json`);
}

function showOptions(args: ParsedArgs): ExpShowOptions {
  const numText = single(args, 'num');
  if (numText !== undefined && !/^-?\d+$/.test(numText)) throw new UsageError('-n/--num must be an integer');
  return {
    revs: args.values.get('rev') ?? [],
    ...(numText === undefined ? {} : { num: Number(numText) }),
    allCommits: args.flags.has('all-commits'),
    allBranches: args.flags.has('all-branches'),
    allTags: args.flags.has('all-tags'),
    hideQueued: args.flags.has('hide-queued'),
    hideFailed: args.flags.has('hide-failed'),
    hideWorkspace: args.flags.has('hide-workspace'),
  };
}

function table(states: Parameters<typeof experimentRows>[0]): string {
  return experimentRows(states)
    .map((row) => {
      const indent = row.kind === 'experiment' ? '  ' : row.kind === 'commit' ? '    ' : '';
      const metrics = Object.entries(row.metrics).flatMap(([file, values]) => Object.entries(values).map(([key, value]) => `${Object.keys(row.metrics).length > 1 ? `${file}:` : ''}${key}=${JSON.stringify(value)}`));
      const problem = row.error ? `error: ${row.error.msg}` : row.fileErrors.map((e) => `${e.file}: ${e.error.msg}`).join('; ');
      return [indent + row.label, row.status ?? '', row.timestamp ?? '', metrics.join(' '), problem].join('\t').trimEnd() + '\n';
    })
    .join('');
}
