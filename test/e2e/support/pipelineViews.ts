/**
 * Reading the Pipeline and Data views the way a user does, and the real tools' answers to compare
 * them with (dvc status --json, records in git, runs MLflow's client finds).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDvcRepo } from '../../../src/core/dvc/repo';
import type { DvcStatusJson } from './dvcProject';
import { mlflowClient } from './interactions';
import type { Workbench } from './workbench';

/**
 * Each stage DVC lists must read as changed, with a reason for each path or param key DVC names;
 * each stage DVC does not list must be up to date or stale only because of an upstream stage.
 */
export function assertMatchesDvc(shown: Map<string, string>, dvcJson: DvcStatusJson): void {
  for (const [stage, description] of shown) {
    const entries = dvcJson[stage];
    if (!entries) {
      assert.ok(description === 'up to date' || description.startsWith('upstream changed'), `${stage} is "${description}" but dvc status does not list it (${JSON.stringify(dvcJson)})`);
      continue;
    }
    for (const entry of entries) {
      if (typeof entry === 'string') {
        assert.ok(description.includes(entry.replace('always changed', 'always changed')), `${stage}: "${description}" lacks "${entry}"`);
        continue;
      }
      for (const [kind, changes] of Object.entries(entry)) {
        for (const [path, state] of Object.entries(changes)) {
          if (typeof state === 'object') for (const key of Object.keys(state)) assert.match(description, new RegExp(`param ${key.replace(/\./g, '\\.')}[. ]`), `${stage}: "${description}" lacks param ${key} (${kind})`);
          else assert.ok(description.includes(`${kind === 'changed outs' ? 'out' : 'dep'} ${path} ${state === 'modified' ? 'changed' : state}`), `${stage}: "${description}" lacks ${kind} ${path} ${state}`);
        }
      }
    }
  }
}

/**
 * Resolves when the row `label` of `view` shows `expected` in its description, checked in the
 * page on every animation frame; returns the page's Date.now() at that frame (the same machine's
 * clock as Node's, for bench/pipeline.ts). Rejects after `timeoutMs`: a hang guard, not a target.
 */
export async function rowShows(workbench: Workbench, view: string, label: string, expected: string, timeoutMs = 30_000): Promise<number> {
  const predicate = `(() => {
    for (const row of document.querySelectorAll('.part.sidebar .pane .monaco-list-row[role="treeitem"]')) {
      if (row.querySelector('.label-name')?.textContent?.trim() === ${JSON.stringify(label)} && row.querySelector('.label-description')?.textContent?.includes(${JSON.stringify(expected)})) return Date.now();
    }
    return false;
  })()`;
  const seen = await workbench.page.waitForFunction(predicate, undefined, { polling: 'raf', timeout: timeoutMs });
  return (await seen.jsonValue()) as number;
}

/** The open modal dialog's message and detail. */
export async function dialogText(page: Workbench['page']): Promise<{ message: string; detail: string }> {
  const dialog = page.locator('.monaco-dialog-box').first();
  await dialog.waitFor({ state: 'visible' });
  const text = async (selector: string): Promise<string> => ((await dialog.locator(selector).count()) > 0 ? ((await dialog.locator(selector).first().textContent()) ?? '').trim() : '');
  return { message: await text('.dialog-message-text'), detail: await text('.dialog-message-detail') };
}

export const dvcFileMd5 = (text: string): string | undefined => /md5: ([0-9a-f]{32})/.exec(text)?.[1];

/** The md5 dvc.lock records for one out of one stage. */
export const lockOutMd5 =
  (stage: string, path: string) =>
  (text: string): string | undefined => {
    const block = text.split(/\n {2}(?=\S)/).find((b) => b.startsWith(`${stage}:`) || b.includes(`\n  ${stage}:`));
    return block ? new RegExp(`path: ${path.replace(/[.]/g, '\\.')}\\n\\s+hash: md5\\n\\s+md5: ([0-9a-f]{32}(?:\\.dir)?)`).exec(block)?.[1] : undefined;
  };

/** Run names per commit, as MLflow's client finds them by the mlflow.source.git.commit tag (one Python start). */
export async function runsTagged(project: string, commits: readonly string[]): Promise<Record<string, string[]>> {
  const body = [
    'ids = [e.experiment_id for e in client.search_experiments()]',
    'out({c: sorted(r.info.run_name for r in client.search_runs(ids, "tags.`mlflow.source.git.commit` = \'%s\'" % c)) for c in args})',
  ].join('\n');
  return mlflowClient<Record<string, string[]>>(`sqlite:///${join(project, 'mlflow.db')}`, body, ...commits);
}

/** The engine's check of a project as the extension runs it (hashing worker, stat cache): once cold, then warm (median of 5). */
export async function statusTimings(project: string): Promise<{ coldMs: number; warmMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-statcache-'));
  const repo = openDvcRepo(project, { statCachePath: join(dir, 'stat-cache.json') });
  try {
    const time = async (): Promise<number> => {
      const started = performance.now();
      await repo.inspect();
      return performance.now() - started;
    };
    const coldMs = await time();
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(await time());
    return { coldMs, warmMs: warm.sort((a, b) => a - b)[2]! };
  } finally {
    await repo.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

