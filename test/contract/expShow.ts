/**
 * `dvc exp show --json` and ours in a comparable form: the order of baselines and experiments and
 * the timestamps aside (the brief's "order and timestamps aside"), and an error's message aside
 * (its type and place must match; our messages say the same thing in plainer words).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { env } from '../support/python';

const run = promisify(execFile);

export async function dvcExpShow(cwd: string, flags: readonly string[]): Promise<unknown[]> {
  const { stdout } = await run('dvc', ['exp', 'show', '--json', ...flags], { cwd, env: env(), maxBuffer: 1 << 28 });
  // Python's json writes NaN and Infinity as bare words.
  return JSON.parse(stdout.replace(/\b(NaN|-?Infinity)\b/g, 'null')) as unknown[];
}

type Json = Record<string, any>;

export function comparable(states: readonly unknown[]): unknown[] {
  return [...(states as Json[])].map(state).sort((a, b) => compare(a['rev'], b['rev']));
}

function state(s: Json): Json {
  const out: Json = { ...s };
  if (out['data']) {
    const { timestamp: _t, ...data } = out['data'] as Json;
    out['data'] = { ...data, params: files(data['params']), metrics: files(data['metrics']) };
  }
  if (out['error']) out['error'] = error(out['error']);
  if (out['experiments']) {
    const ranges: Json[] = (out['experiments'] as Json[]).map((r) => ({ ...r, revs: (r['revs'] as Json[]).map(state) }));
    out['experiments'] = ranges.sort((a, b) => compare(`${a['name']}:${a['revs'][0]?.['rev']}`, `${b['name']}:${b['revs'][0]?.['rev']}`));
  }
  return out;
}

function files(results: Json): Json {
  return Object.fromEntries(Object.entries(results ?? {}).map(([k, v]) => [k, (v as Json)['error'] ? { error: error((v as Json)['error']) } : v]));
}

function error(e: Json): Json {
  return { type: e['type'], hasMessage: typeof e['msg'] === 'string' && e['msg'].length > 0 };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
