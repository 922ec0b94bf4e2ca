/**
 * Lineage against the real tools, on a project real git, DVC and MLflow made
 * (test/fixtures/make_lineage_repo.py): three data versions with a run on each, a model registered
 * from the second (@champion) and the third (@challenger), data changed after, a DVC experiment.
 * Every commit, hash and run id expected here comes from git, DVC (`Repo(rev=…)`, `dvc exp show
 * --json`) or MlflowClient — none is written in this file. Then the awkward cases: a run without
 * git tags, a run from another repository, a commit missing from a single-branch clone, a shallow
 * clone, and data not in the cache (a clone has an empty one): each a stated gap.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { DataLineage, Lineage } from '../../src/core/lineage/model';
import { env, pythonEnv } from '../support/python';
import { cli, dvcReference, git, lineageFixture, mlflowReference, type DvcView, type LineageFixture, type MlflowView } from './lineageFixture';

const run = promisify(execFile);
const RAW = 'data/raw.csv';
const RECORD = 'data/raw.csv.dvc';

let fx: LineageFixture;
let mlflow: MlflowView;
let scratch = '';
/** DVC's view at every commit that recorded a new data/raw.csv, oldest first, and at HEAD. */
let history: string[] = [];
let dvcAt: Record<string, DvcView> = {};
let head = '';

async function lineage(...args: string[]): Promise<Lineage> {
  const repo = args.includes('--repo') ? [] : ['--repo', fx.repo];
  const result = await cli(['lineage', '--tracking-uri', fx.tracking_uri, '--json', ...repo, ...args]);
  assert.equal(result.code, 0, result.err);
  return result.json as Lineage;
}

before(async () => {
  fx = await lineageFixture();
  await pythonEnv();
  scratch = mkdtempSync(join(tmpdir(), 'lineage-contract-'));
  mlflow = await mlflowReference(fx.tracking_uri);
  head = await git(fx.repo, 'rev-parse', 'HEAD');
  history = (await git(fx.repo, 'log', '--reverse', '--topo-order', '--format=%H', 'HEAD', '--', RECORD)).split('\n');
  const runCommits = Object.values(mlflow.runs).map((r) => r.tags['mlflow.source.git.commit']).filter((c): c is string => !!c && c !== fx.commits['other']);
  dvcAt = await dvcReference(fx.repo, [...new Set([...history, head, ...runCommits])]);
});

after(() => rmSync(scratch, { recursive: true, force: true }));

/** DVC's versions of data/raw.csv along HEAD: a new one wherever its hash changed. */
function versions(): { hash: string; from: string; until: string | null }[] {
  const out: { hash: string; from: string; until: string | null }[] = [];
  for (const commit of history) {
    const hash = dvcAt[commit]!.outs[RAW]!.hash!;
    if (out.length > 0 && out[out.length - 1]!.hash === hash) continue;
    if (out.length > 0) out[out.length - 1]!.until = commit;
    out.push({ hash, from: commit, until: null });
  }
  return out;
}

describe('a model version traced back to its data', () => {
  test('@champion: its run, commit, stage, data version and range, datasets, and stale data', async () => {
    const champion = mlflow.versions.find((v) => v.name === 'lineage-model' && v.aliases.includes('champion'))!;
    const runInfo = mlflow.runs[champion.run_id]!;
    const commit = runInfo.tags['mlflow.source.git.commit']!;
    const ours = await lineage('--model', 'lineage-model', '--alias', 'champion');
    assert.equal(ours.modelVersion?.version, champion.version);
    assert.deepEqual(ours.modelVersion?.aliases, champion.aliases);
    assert.equal(ours.run?.runId, champion.run_id);
    assert.deepEqual(ours.run?.params, runInfo.params);
    assert.equal(ours.commit?.id, commit);
    assert.equal(ours.commit?.inClone, true);
    assert.equal(ours.commit?.behindHead, Number(await git(fx.repo, 'rev-list', '--count', `${commit}..HEAD`)));
    assert.deepEqual(ours.datasets.map((d) => [d.name, d.digest, d.context]), runInfo.datasets.map((d) => [d.name, d.digest, d.context]));

    assert.equal(ours.stages.length, 1);
    const stage = ours.stages[0]!;
    assert.equal(stage.address, 'train');
    const raw = stage.inputs.find((i) => i.path === RAW)!;
    const all = versions();
    const trained = all.findIndex((v) => v.hash === dvcAt[commit]!.outs[RAW]!.hash);
    assert.ok(trained >= 0, 'DVC records a version of data/raw.csv at the run commit');
    assert.equal(raw.kind, 'dvc');
    assert.equal(raw.recordedIn, RECORD);
    assert.equal(raw.hash, dvcAt[commit]!.outs[RAW]!.hash);
    assert.equal(raw.lockHash, dvcAt[commit]!.deps['train']?.[RAW] ?? null);
    assert.equal(raw.version, trained + 1);
    assert.deepEqual(raw.range, { from: all[trained]!.from, until: all[trained]!.until });
    assert.equal(raw.inCache, dvcAt[commit]!.outs[RAW]!.in_cache);
    assert.equal(raw.currency.headHash, dvcAt[head]!.outs[RAW]!.hash);
    assert.equal(raw.currency.headVersion, all.length);
    assert.equal(raw.currency.currentAtHead, false);
    assert.equal(raw.currency.currentInWorkspace, false);
    assert.deepEqual(raw.currency.changedIn, all.slice(trained + 1).map((v) => v.from));
    const script = stage.inputs.find((i) => i.path === 'train.py')!;
    assert.equal(script.kind, 'git');
    assert.equal(script.hash, await git(fx.repo, 'rev-parse', `${commit}:train.py`));

    assert.equal(ours.currency.state, 'stale');
    assert.equal(ours.currency.head, head);
    assert.match(ours.currency.stale[0]!.message, new RegExp(`trained on data/raw.csv v${trained + 1} — HEAD has v${all.length}`));
    if (raw.lockHash !== raw.hash) assert.ok(ours.gaps.some((g) => g.code === 'lock-differs' && g.subject === RAW));
  });

  test('--version and --alias name the same lineage; every registered version traced to its own run', async () => {
    for (const version of mlflow.versions.filter((v) => v.name === 'lineage-model')) {
      const byVersion = await lineage('--model', 'lineage-model', '--version', version.version);
      assert.equal(byVersion.run?.runId, version.run_id);
      assert.equal(byVersion.commit?.id, mlflow.runs[version.run_id]!.tags['mlflow.source.git.commit']);
      for (const alias of version.aliases) assert.deepEqual(await lineage('--model', 'lineage-model', '--alias', alias), byVersion);
    }
  });

  test('a run on the newest data, and a DVC experiment, read as current where DVC says HEAD records the same hash', async () => {
    const exp = await lineage('--exp', 'exp-c05');
    const { stdout } = await run('dvc', ['exp', 'show', '--json', '-A'], { cwd: fx.repo, env: env(), maxBuffer: 1 << 26 });
    const shown = (JSON.parse(stdout) as { experiments?: { revs: { name?: string; rev: string; data: { deps: Record<string, { hash: string }> } }[] }[] }[])
      .flatMap((b) => (b.experiments ?? []).flatMap((e) => e.revs))
      .find((r) => r.name === 'exp-c05')!;
    assert.equal(exp.experiment?.commit, shown.rev);
    const raw = exp.stages[0]!.inputs.find((i) => i.path === RAW)!;
    assert.equal(raw.lockHash, shown.data.deps[RAW]!.hash);
    assert.equal(raw.currency.currentAtHead, raw.hash === dvcAt[head]!.outs[RAW]!.hash);
  });
});

describe('a data version traced forward', () => {
  test('each version of data/raw.csv: exactly the runs, experiments and model versions DVC and MLflow put on it', async () => {
    const { stdout } = await run('dvc', ['exp', 'show', '--json', '-A'], { cwd: fx.repo, env: env(), maxBuffer: 1 << 26 });
    const exps = (JSON.parse(stdout) as { experiments?: { revs: { name?: string; rev: string; data: { deps: Record<string, { hash: string }> } }[] }[] }[]).flatMap((b) => (b.experiments ?? []).flatMap((e) => e.revs));
    let placed = 0;
    for (const version of versions()) {
      const result = await cli(['lineage', '--tracking-uri', fx.tracking_uri, '--repo', fx.repo, '--json', '--data', RAW, '--rev', version.from]);
      assert.equal(result.code, 0, result.err);
      const ours = result.json as DataLineage;
      assert.equal(ours.hash, version.hash);
      assert.deepEqual(ours.versions.map((v) => [v.from, v.until]), versions().filter((v) => v.hash === version.hash).map((v) => [v.from, v.until]));
      const expectedRuns = Object.entries(mlflow.runs)
        .filter(([, r]) => dvcAt[r.tags['mlflow.source.git.commit'] ?? '']?.outs[RAW]?.hash === version.hash)
        .map(([id]) => id)
        .sort();
      placed += expectedRuns.length;
      assert.deepEqual(ours.runs.map((r) => r.runId).sort(), expectedRuns);
      assert.deepEqual(ours.experiments.map((e) => e.commit).sort(), exps.filter((e) => e.data.deps[RAW]?.hash === version.hash).map((e) => e.rev).sort());
      const expectedVersions = mlflow.versions.filter((v) => expectedRuns.includes(v.run_id)).map((v) => `${v.name}/${v.version}`).sort();
      assert.deepEqual(ours.modelVersions.map((v) => `${v.name}/${v.version}`).sort(), expectedVersions);
      // The run logged without git tags and the one from another repository cannot be placed: said so.
      assert.ok(ours.gaps.some((g) => g.code === 'unresolved-runs' && g.message.includes(fx.runs['no-git']!) && g.message.includes(fx.runs['train-other-repo']!)));
    }
    assert.ok(placed >= 3, 'the runs on the three data versions are placed');
  });

  test('a path DVC does not track is an error, not an empty answer', async () => {
    const result = await cli(['lineage', '--tracking-uri', fx.tracking_uri, '--repo', fx.repo, '--json', '--data', 'train.py']);
    assert.equal(result.code, 1);
    assert.match(result.err, /not a DVC-tracked path/);
  });
});

describe('stated gaps', () => {
  test('a run logged outside any git work tree', async () => {
    const id = fx.runs['no-git']!;
    assert.equal(mlflow.runs[id]!.tags['mlflow.source.git.commit'], undefined);
    const ours = await lineage('--repo', fx.repo, '--run-id', id);
    assert.equal(ours.commit, null);
    assert.deepEqual(ours.stages, []);
    assert.equal(ours.currency.state, 'unknown');
    assert.deepEqual(ours.gaps.map((g) => g.code), ['no-commit-tag']);
  });

  test('a run logged from another repository', async () => {
    const id = fx.runs['train-other-repo']!;
    const tags = mlflow.runs[id]!.tags;
    assert.notEqual(tags['mlflow.source.git.repoURL'], await git(fx.repo, 'remote', 'get-url', 'origin'));
    await assert.rejects(git(fx.repo, 'cat-file', '-e', `${tags['mlflow.source.git.commit']}^{commit}`));
    const ours = await lineage('--repo', fx.repo, '--run-id', id);
    assert.equal(ours.commit?.id, tags['mlflow.source.git.commit']);
    assert.equal(ours.commit?.inClone, false);
    assert.deepEqual(ours.gaps.map((g) => g.code), ['other-repo']);
    assert.match(ours.gaps[0]!.message, /example\.com\/other\/elsewhere/);
  });

  test('a commit missing from a single-branch clone, and data not in its (empty) cache', async () => {
    const clone = join(scratch, 'single');
    await git(scratch, 'clone', '-q', '--no-local', '--single-branch', '-b', 'main', fx.repo, clone);
    // As a clone of the published repository has it.
    await git(clone, 'remote', 'set-url', 'origin', await git(fx.repo, 'remote', 'get-url', 'origin'));
    const side = fx.runs['train-side']!;
    await assert.rejects(git(clone, 'cat-file', '-e', `${mlflow.runs[side]!.tags['mlflow.source.git.commit']}^{commit}`));
    const missing = await lineage('--repo', clone, '--run-id', side);
    assert.equal(missing.commit?.inClone, false);
    assert.deepEqual(missing.gaps.map((g) => g.code), ['commit-missing']);

    const champion = await lineage('--repo', clone, '--model', 'lineage-model', '--alias', 'champion');
    const raw = champion.stages[0]!.inputs.find((i) => i.path === RAW)!;
    const cloneView = await dvcReference(clone, [champion.commit!.id]);
    assert.equal(raw.inCache, cloneView[champion.commit!.id]!.outs[RAW]!.in_cache);
    assert.equal(raw.inCache, false);
    assert.ok(champion.gaps.some((g) => g.code === 'not-in-cache' && g.subject === RAW));
    // The rest of the answer is intact: same commit, hash and version as in the full repository.
    const full = await lineage('--repo', fx.repo, '--model', 'lineage-model', '--alias', 'champion');
    assert.deepEqual(raw.range, full.stages[0]!.inputs.find((i) => i.path === RAW)!.range);
  });

  test('a shallow clone: the run commit is beyond its history', async () => {
    const shallow = join(scratch, 'shallow');
    await git(scratch, 'clone', '-q', '--depth', '1', `file://${fx.repo}`, shallow);
    await git(shallow, 'remote', 'set-url', 'origin', await git(fx.repo, 'remote', 'get-url', 'origin'));
    assert.equal(await git(shallow, 'rev-parse', '--is-shallow-repository'), 'true');
    const ours = await lineage('--repo', shallow, '--model', 'lineage-model', '--alias', 'champion');
    assert.equal(ours.commit?.inClone, false);
    assert.deepEqual(ours.gaps.map((g) => g.code), ['shallow-clone']);
    assert.deepEqual(ours.stages, []);
  });

  test('an unknown model, version or alias is an error naming it', async () => {
    for (const args of [['--model', 'nope', '--version', '1'], ['--model', 'lineage-model', '--version', '99'], ['--model', 'lineage-model', '--alias', 'gone']]) {
      const result = await cli(['lineage', '--tracking-uri', fx.tracking_uri, '--repo', fx.repo, '--json', ...args]);
      assert.equal(result.code, 1);
      assert.match(result.err, /no registered model|has no version|has no alias/);
    }
    const usage = await cli(['lineage', '--tracking-uri', fx.tracking_uri, '--model', 'x']);
    assert.equal(usage.code, 2);
  });
});
