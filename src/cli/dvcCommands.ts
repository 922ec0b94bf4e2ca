/**
 * DVC commands of the CLI: `status` prints what `dvc status --json` prints for the same repo;
 * `data` lists tracked data with its state; `data-versions PATH` lists the commits that changed a
 * path's recorded hash. Problems in the repo's files go to stderr (exit 1) and, as with DVC's
 * errors, no answer goes to stdout beside them. While a dvc command holds the repository the
 * answer waits for it (`--wait`, bounded), as the extension's views do.
 */
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { DvcDiagnostic } from '../core/dvc/entities.js';
import { openDvcRepo, type DvcRepo } from '../core/dvc/repo.js';
import { VersionsError } from '../core/dvc/versions.js';
import { remoteStatus, RemoteStatusError } from '../core/dvc/remote/remoteStatus.js';
import { HashingError } from '../core/dvc/hashing/service.js';
import { DvcBusyError, whileDvcIdle } from '../core/dvc/activity.js';
import { Git } from '../core/git/index.js';
import { ContentDiffError, diffContent } from '../core/dvc/contentDiff.js';
import { contentDiffText } from './dataDiffText.js';
import { DvcPlots } from '../core/dvc/plots/collect.js';
import type { PlotsResult } from '../core/dvc/plots/model.js';
import { defaultRevisions } from '../core/dvc/revision/resolve.js';
import { single, UsageError, type ParsedArgs } from './args.js';
import { toJsonText } from './json.js';

/** Seconds `status` and `data` wait by default for a dvc command (a `dvc repro`) to end. */
const DEFAULT_WAIT_S = 60;

export const DVC_USAGE = `  status          [--repo DIR] [--stat-cache FILE | --no-stat-cache] [--wait SECONDS]   (as dvc status --json)
  data            [--repo DIR] [--wait SECONDS]   tracked data (.dvc files and stage outs) with size, files, state
  data-versions   PATH [--repo DIR]   commits that changed PATH's recorded hash
  remote-status   [--repo DIR] [--remote NAME] [--paths] [--python PY]   (as dvc status -c --json; --paths: per
                  tracked path. Local and S3 remotes are read natively, others through PY -m dvc, PY default python3)
  plots-diff      [REV...] [--repo DIR]   plots of each revision (workspace, commits, experiments), as dvc plots diff --json --split
  data-diff       --path P --a REV --b REV [--key COL] [--limit N] [--no-stats] [--repo DIR]
                  what changed inside P: rows and columns of a CSV/TSV/JSONL/Parquet file, files of a directory;
                  REV: workspace, workspace:recorded (what dvc.lock/.dvc record, from the cache), a commit or an experiment
  (--wait: how long to wait for a running dvc command to release the repository; default ${DEFAULT_WAIT_S}, 0 not at all)`;

export const DVC_BOOLEAN_FLAGS = ['no-stat-cache', 'paths', 'no-stats'] as const;

/** The commands that read the workspace's pipeline state, which a running dvc command changes under them. */
const WAIT_FOR_DVC: ReadonlySet<string> = new Set(['status', 'data']);

interface Io {
  out(text: string): void;
  err(text: string): void;
}

type DvcCommand = (repo: DvcRepo, args: ParsedArgs) => Promise<{ json: unknown; text: string; diagnostics: readonly DvcDiagnostic[] }>;

const dataDiff: DvcCommand = async (repo, args) => {
  const need = (name: string): string => {
    const value = single(args, name);
    if (!value) throw new UsageError(`data-diff needs --${name}`);
    return value;
  };
  const limit = single(args, 'limit');
  if (limit !== undefined && !/^\d+$/.test(limit)) throw new UsageError('--limit must be a whole number');
  const key = single(args, 'key');
  const result = await diffContent(repo.root, need('path'), need('a'), need('b'), {
    ...(key ? { key } : {}),
    ...(limit ? { limit: Number(limit) } : {}),
    stats: !args.flags.has('no-stats'),
  });
  return { json: result, text: contentDiffText(result), diagnostics: [] };
};

const COMMANDS: Readonly<Record<string, DvcCommand>> = {
  async status(repo) {
    const status = await repo.status();
    const text = status.stages
      .filter((s) => s.dvcJson)
      .map((s) => `${s.address}:\n${s.reasons.map((r) => `\t${r}`).join('\n')}\n`)
      .join('');
    return { json: status.json, text: text || 'Data and pipelines are up to date.\n', diagnostics: status.diagnostics };
  },
  async data(repo) {
    const data = await repo.data();
    const text = data.map((d) => [d.state, d.repoPath, d.size ?? '', d.nfiles ?? ''].join('\t') + '\n').join('');
    return { json: data, text, diagnostics: [] };
  },
  async 'remote-status'(repo, args) {
    const remote = single(args, 'remote');
    const status = await remoteStatus(repo.root, {
      ...(remote ? { remote } : {}),
      env: process.env,
      dvc: { python: single(args, 'python') ?? 'python3', env: process.env },
    });
    const width = Math.max(0, ...status.outputs.map((o) => o.state.length));
    const text = status.outputs
      .map((o) => {
        const { ok, new: added, deleted, missing } = o.counts;
        const detail = o.skipped ? `(${o.skipped})` : o.isDir ? `(${ok} in both, ${added} not pushed, ${deleted} not in cache, ${missing} missing)` : '';
        return `${o.state.padEnd(width)}\t${o.repoPath}\t${detail}\n`;
      })
      .join('');
    const via = status.via === 'dvc' ? ` (through dvc: ${status.fallbackReason})` : '';
    return { json: args.flags.has('paths') ? status : status.json, text: `Remote ${status.remote.name}: ${status.remote.label}${via}\n${text}`, diagnostics: status.diagnostics };
  },
  async 'data-versions'(repo, args) {
    const path = args.positionals[0];
    if (!path) throw new UsageError('data-versions needs a PATH');
    const versions = await repo.dataVersions(path);
    const text = versions.map((v) => [v.commit.slice(0, 12), v.date, v.author, v.hash ?? '-', v.message].join('\t') + '\n').join('');
    return { json: versions, text, diagnostics: [] };
  },
  'data-diff': dataDiff,
  async 'plots-diff'(repo, args) {
    const plots = new DvcPlots(repo.root);
    try {
      const result = await plots.diff(await defaultRevisions(new Git(repo.root), args.positionals));
      return { json: result, text: plotsText(result), diagnostics: [] };
    } finally {
      plots.dispose();
    }
  },
};

function plotsText(result: PlotsResult): string {
  const lines = result.plots.map((p) => {
    const revs = p.kind === 'vega' ? p.revisions.map((r) => `${r}: ${p.datapoints[r]!.length} points`) : p.revisions.map((r) => `${r}: ${r.format} ${r.bytes} bytes`);
    return `${p.kind === 'vega' ? p.template : 'image'}\t${p.id}\t${revs.join(', ') || 'no data'}${p.errors.length ? `\t${p.errors.length} problem(s)` : ''}`;
  });
  const problems = [...result.errors, ...result.plots.flatMap((p) => p.errors)].map((e) => `${e.rev}: ${e.source ? `${e.source}: ` : ''}${e.message}`);
  return [...lines, ...problems.map((m) => `problem\t${m}`)].join('\n') + '\n';
}

export function isDvcCommand(name: string | undefined): boolean {
  return name !== undefined && Object.prototype.hasOwnProperty.call(COMMANDS, name);
}

export async function runDvcCommand(args: ParsedArgs, io: Io): Promise<number> {
  const waitMs = waitOption(args);
  const root = await findRoot(resolve(single(args, 'repo') ?? process.cwd()));
  if (!root) {
    io.err(`ml-workbench: no DVC repository (.dvc folder) at or above ${single(args, 'repo') ?? process.cwd()}\n`);
    return 1;
  }
  const statCachePath = args.flags.has('no-stat-cache') ? undefined : (single(args, 'stat-cache') ?? defaultStatCache());
  // A CLI has no event loop to keep responsive: hashing on its own thread saves a worker's start-up.
  const repo = openDvcRepo(root, { inProcess: true, ...(statCachePath ? { statCachePath } : {}) });
  try {
    const command = COMMANDS[args.command!]!;
    // data-versions reads git history, which a dvc command does not rewrite; plots and data diffs read
    // files as they are, as DVC's own do: only status and data wait.
    const result = WAIT_FOR_DVC.has(args.command!) ? await whileDvcIdle(() => repo.activity(), () => command(repo, args), { timeoutMs: waitMs }) : await command(repo, args);
    for (const d of result.diagnostics) io.err(`${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}\n`);
    if (result.diagnostics.some((d) => d.severity === 'error')) return 1;
    io.out(args.flags.has('json') ? toJsonText(result.json) + '\n' : result.text);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof DvcBusyError) {
      const waited = waitMs > 0 ? `waited ${waitMs / 1000} s for it; --wait SECONDS waits longer` : '--wait SECONDS waits for it';
      io.err(`ml-workbench: ${error.message} (${waited})\n`);
      return 1;
    }
    if (error instanceof VersionsError || error instanceof HashingError || error instanceof RemoteStatusError || error instanceof ContentDiffError) {
      io.err(`ml-workbench: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await repo.dispose();
  }
}

function waitOption(args: ParsedArgs): number {
  const value = single(args, 'wait');
  if (value === undefined) return DEFAULT_WAIT_S * 1000;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new UsageError('--wait must be a number of seconds (0: do not wait)');
  return Number(value) * 1000;
}

function defaultStatCache(): string {
  const base = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'ml-workbench', 'dvc-stat-cache.json');
}

async function findRoot(start: string): Promise<string | undefined> {
  for (let dir = start; ; dir = dirname(dir)) {
    if (await stat(join(dir, '.dvc')).then((s) => s.isDirectory(), () => false)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
