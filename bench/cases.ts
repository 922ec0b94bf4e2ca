/**
 * What is measured: for each store backend, our CLI and core on each Node/driver, MLflow's client,
 * and the floor of merely reading the store. Every case is an argv array run as a child process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from './measure';

export type Backend = 'sqlite' | 'file';
export type Section = 'listing' | 'history';
/** ours: compared against the peers; mlflow: the peer for targets; floor: the reading floor; info: shown only. */
export type Role = 'ours' | 'mlflow' | 'floor' | 'info';

export interface Case {
  readonly section: Section;
  readonly backend: Backend;
  readonly role: Role;
  readonly label: string;
  /** History only: the whole series, or sampled to a chart-ready number of points. */
  readonly shape?: 'full' | 'sampled';
  readonly command: Command;
}

/** A store made by generate.py (its manifest.json plus where it lives). */
export interface Store {
  readonly dir: string;
  readonly size: number;
  readonly experiment_id: string;
  readonly sqlite_experiment_id: string;
  readonly run_id?: string;
  readonly sqlite_run_id?: string;
  readonly key?: string;
  readonly seconds: { readonly file_store: number; readonly sqlite: number };
  readonly bytes: { readonly file_store: number; readonly sqlite: number };
}

/** The programs a case runs. */
export interface Tools {
  readonly repo: string;
  readonly node20: { readonly path: string; readonly version: string };
  readonly node24: { readonly path: string; readonly version: string } | undefined;
  readonly python: string;
  readonly pythonEnv: NodeJS.ProcessEnv;
}

export const SAMPLED_POINTS = 1000;

interface Target {
  readonly backend: Backend;
  readonly uri: string;
  readonly experimentId: string;
  readonly runId: string;
  readonly key: string;
  readonly path: string;
}

function targets(store: Store): Target[] {
  return [
    { backend: 'sqlite', uri: `sqlite:///${join(store.dir, 'mlflow.db')}`, experimentId: store.sqlite_experiment_id, runId: store.sqlite_run_id ?? '', key: store.key ?? '', path: join(store.dir, 'mlflow.db') },
    { backend: 'file', uri: join(store.dir, 'mlruns'), experimentId: store.experiment_id, runId: store.run_id ?? '', key: store.key ?? '', path: join(store.dir, 'mlruns') },
  ];
}

/** Node runtimes with the SQLite driver each uses: sql.js where node:sqlite is missing (Node 20). */
function runtimes(tools: Tools, backend: Backend): { label: string; node: string; env: NodeJS.ProcessEnv }[] {
  const list = [{ label: `Node ${tools.node20.version}${backend === 'sqlite' ? ', sql.js' : ''}`, node: tools.node20.path, env: { ...process.env, ML_WORKBENCH_SQLITE_DRIVER: 'sql.js' } }];
  if (tools.node24) {
    list.push({ label: `Node ${tools.node24.version}${backend === 'sqlite' ? ', node:sqlite' : ''}`, node: tools.node24.path, env: { ...process.env, ML_WORKBENCH_SQLITE_DRIVER: 'node:sqlite' } });
  }
  return list;
}

const jsonCount = (field: string) => (file: string) => ((JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown[] | undefined>)[field] ?? []).length;

export function listingCases(store: Store, tools: Tools): Case[] {
  const cases: Case[] = [];
  for (const target of targets(store)) {
    const base = { section: 'listing' as const, backend: target.backend };
    for (const runtime of runtimes(tools, target.backend)) {
      const cli = [runtime.node, join(tools.repo, 'dist', 'cli.js'), 'runs', '--tracking-uri', target.uri, '--experiment-id', target.experimentId, '--json'];
      cases.push({ ...base, role: 'ours', label: `ML Workbench CLI (${runtime.label})`, command: { argv: cli, env: runtime.env, timing: 'wall', count: jsonCount('runs') } });
      const core = [runtime.node, '--import', 'tsx', join(tools.repo, 'bench', 'core.ts'), 'listing', target.uri, target.experimentId];
      cases.push({ ...base, role: 'ours', label: `ML Workbench core, in-process (${runtime.label})`, command: { argv: core, env: runtime.env, timing: 'self' } });
    }
    const peer = [tools.python, join(tools.repo, 'bench', 'mlflow_peer.py'), 'listing', target.uri, target.experimentId];
    cases.push({ ...base, role: 'mlflow', label: 'MLflow `search_runs`, in-process (one page, max_results=50000)', command: { argv: peer, env: tools.pythonEnv, timing: 'self' } });
    cases.push(...listingFloors(target, tools));
  }
  return cases;
}

function listingFloors(target: Target, tools: Tools): Case[] {
  const base = { section: 'listing' as const, backend: target.backend };
  if (target.backend === 'sqlite') {
    const sql = listingSql(target.experimentId);
    return [{ ...base, role: 'floor', label: 'floor: `sqlite3` CLI, the same four queries, output to /dev/null', command: { argv: ['sqlite3', '-readonly', target.path, sql], timing: 'wall' } }];
  }
  const experimentDir = join(target.path, target.experimentId);
  const catAll = 'find "$1" -type f -print0 | xargs -0 cat > /dev/null';
  return [
    { ...base, role: 'floor', label: 'floor: `find -type f | xargs cat` of the experiment folder', command: { argv: ['bash', '-c', catAll, 'floor', experimentDir], timing: 'wall' } },
    {
      ...base,
      role: 'info',
      label: `floor in Node: readdir + readFileSync of every file (Node ${tools.node20.version}, in-process)`,
      command: { argv: [tools.node20.path, '--import', 'tsx', join(tools.repo, 'bench', 'readAll.ts'), experimentDir], timing: 'self' },
    },
  ];
}

/** The queries our SQLite reader makes for a listing (src/core/tracking/sqliteRuns.ts readRuns). */
function listingSql(experimentId: string): string {
  if (!/^\d+$/.test(experimentId)) throw new Error(`experiment id ${experimentId} is not numeric`);
  const selected = `SELECT run_uuid FROM runs WHERE experiment_id = ${experimentId} AND lifecycle_stage IN ('active')`;
  return [
    `SELECT run_uuid, name, experiment_id, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage FROM runs WHERE experiment_id = ${experimentId} AND lifecycle_stage IN ('active') ORDER BY start_time DESC, run_uuid ASC;`,
    `SELECT run_uuid, key, value, timestamp, step, is_nan FROM latest_metrics WHERE run_uuid IN (${selected}) ORDER BY run_uuid, key;`,
    `SELECT run_uuid, key, value FROM params WHERE run_uuid IN (${selected}) ORDER BY run_uuid, key;`,
    `SELECT run_uuid, key, value FROM tags WHERE run_uuid IN (${selected}) ORDER BY run_uuid, key;`,
  ].join('\n');
}

export function historyCases(store: Store, tools: Tools): Case[] {
  const cases: Case[] = [];
  for (const target of targets(store)) {
    const base = { section: 'history' as const, backend: target.backend };
    for (const shape of ['full', 'sampled'] as const) {
      const sampling = shape === 'sampled' ? [String(SAMPLED_POINTS)] : [];
      for (const runtime of runtimes(tools, target.backend)) {
        const cli = [runtime.node, join(tools.repo, 'dist', 'cli.js'), 'metric-history', '--tracking-uri', target.uri, '--run-id', target.runId, '--key', target.key, '--json'];
        if (shape === 'sampled') cli.push('--max-points', String(SAMPLED_POINTS));
        cases.push({ ...base, shape, role: 'ours', label: `ML Workbench CLI (${runtime.label})`, command: { argv: cli, env: runtime.env, timing: 'wall', count: jsonCount('metrics') } });
        const core = [runtime.node, '--import', 'tsx', join(tools.repo, 'bench', 'core.ts'), 'history', target.uri, target.runId, target.key, ...sampling];
        cases.push({ ...base, shape, role: 'ours', label: `ML Workbench core, in-process (${runtime.label})`, command: { argv: core, env: runtime.env, timing: 'self' } });
      }
    }
    const peer = [tools.python, join(tools.repo, 'bench', 'mlflow_peer.py')];
    cases.push({ ...base, shape: 'full', role: 'mlflow', label: 'MLflow `get_metric_history`, in-process', command: { argv: [...peer, 'history', target.uri, target.runId, target.key], env: tools.pythonEnv, timing: 'self' } });
    cases.push({
      ...base,
      shape: 'sampled',
      role: 'info',
      label: `MLflow store \`get_metric_history_bulk_interval\` (what its server answers charts with), max_results=${SAMPLED_POINTS}, in-process`,
      command: { argv: [...peer, 'history-sampled', target.uri, target.runId, target.key, String(SAMPLED_POINTS)], env: tools.pythonEnv, timing: 'self' },
    });
    cases.push(historyFloor(target));
  }
  return cases;
}

function historyFloor(target: Target): Case {
  const base = { section: 'history' as const, backend: target.backend, shape: 'full' as const, role: 'floor' as const };
  if (target.backend === 'sqlite') {
    if (!/^[0-9a-f]+$/.test(target.runId) || !/^\w+$/.test(target.key)) throw new Error(`unexpected run id ${target.runId} or key ${target.key}`);
    const sql = `SELECT key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid = '${target.runId}' AND key = '${target.key}' ORDER BY timestamp, step, value;`;
    return { ...base, label: 'floor: `sqlite3` CLI, the same query, output to /dev/null', command: { argv: ['sqlite3', '-readonly', target.path, sql], timing: 'wall' } };
  }
  const file = join(target.path, target.experimentId, target.runId, 'metrics', target.key);
  return { ...base, label: '`cat` of the metric file', command: { argv: ['cat', file], timing: 'wall' } };
}
