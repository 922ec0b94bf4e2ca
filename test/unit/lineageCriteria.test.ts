/**
 * Acceptance criteria files (the gate's input) as a user writes them, and as a hostile or careless
 * one does: every form of entry, defaults, and each malformed case refused with the entry named.
 * Also the pieces of lineage that need no repository: matching remote URLs, choosing a run's stage,
 * and folding a record file's history into versions (on a git repository made here).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CriteriaError, describeCriterion, parseCriteria } from '../../src/core/lineage/criteria.js';
import { HistoryReader, segmentAt } from '../../src/core/lineage/history.js';
import { chooseStage, sameRepo } from '../../src/core/lineage/lineage.js';
import type { Stage } from '../../src/core/dvc/entities.js';
import { Git } from '../../src/core/git/index.js';

const GOOD = `version: 1
models:
  iris:
    alias: production
    criteria:
      - metric: accuracy
        min: 0.9
        max: 1
      - metric: log_loss
        not_worse_than_champion_by: 0.02
        goal: minimize
      - metric: f1
        not_worse_than_champion_by: 0
      - tag: reviewed_by
      - tag: validation
        equals: passed
      - require: signature
      - require: input_example
      - require: current_data
  other:
    criteria:
      - metric: rmse
        max: 3
`;

describe('acceptance criteria', () => {
  it('reads every form of entry, with defaults', () => {
    const file = parseCriteria(GOOD);
    assert.match(file.sha256, /^[0-9a-f]{64}$/);
    const iris = file.models.get('iris')!;
    assert.equal(iris.alias, 'production');
    assert.deepEqual(iris.criteria, [
      { kind: 'metric-min', metric: 'accuracy', min: 0.9 },
      { kind: 'metric-max', metric: 'accuracy', max: 1 },
      { kind: 'vs-champion', metric: 'log_loss', tolerance: 0.02, goal: 'minimize' },
      { kind: 'vs-champion', metric: 'f1', tolerance: 0, goal: 'maximize' },
      { kind: 'tag', tag: 'reviewed_by', equals: undefined },
      { kind: 'tag', tag: 'validation', equals: 'passed' },
      { kind: 'signature' },
      { kind: 'input-example' },
      { kind: 'current-data' },
    ]);
    assert.equal(file.models.get('other')!.alias, 'champion');
    assert.equal(describeCriterion(iris.criteria[2]!, 'production'), 'log_loss not worse than @production by more than 0.02 (lower is better)');
  });

  it('hashes the bytes: any edit changes the recorded hash', () => {
    assert.notEqual(parseCriteria(GOOD).sha256, parseCriteria(GOOD.replace('0.9', '0.91')).sha256);
  });

  const bad: [string, string, RegExp][] = [
    ['not YAML', 'models: [', /not valid YAML/],
    ['a list at the top', '- a', /must be a mapping/],
    ['unknown top key', 'modles: {}', /unknown key modles/],
    ['version 2', 'version: 2\nmodels: {}', /version must be 1/],
    ['no criteria', 'models:\n  m: {}', /criteria must be a non-empty list/],
    ['empty criteria', 'models:\n  m:\n    criteria: []', /non-empty list/],
    ['metric without bound', 'models:\n  m:\n    criteria:\n      - metric: acc', /needs min, max/],
    ['string threshold', 'models:\n  m:\n    criteria:\n      - metric: acc\n        min: "0.9"', /criteria\[0\]\.min must be a finite number/],
    ['NaN threshold', 'models:\n  m:\n    criteria:\n      - metric: acc\n        min: .nan', /finite number/],
    ['negative tolerance', 'models:\n  m:\n    criteria:\n      - metric: acc\n        not_worse_than_champion_by: -1', /cannot be negative/],
    ['bad goal', 'models:\n  m:\n    criteria:\n      - metric: acc\n        not_worse_than_champion_by: 0.1\n        goal: up', /goal must be maximize or minimize/],
    ['typo in a key', 'models:\n  m:\n    criteria:\n      - metric: acc\n        mni: 1', /unknown key mni/],
    ['unknown requirement', 'models:\n  m:\n    criteria:\n      - require: tests', /require must be one of signature, input_example, current_data/],
    ['unknown entry', 'models:\n  m:\n    criteria:\n      - owner: me', /expected a metric, tag or require entry/],
    ['reserved alias', 'models:\n  m:\n    alias: latest\n    criteria:\n      - require: signature', /alias must be an MLflow alias name/],
    ['version-like alias', 'models:\n  m:\n    alias: v3\n    criteria:\n      - require: signature', /alias must be/],
    ['alias with a newline', 'models:\n  m:\n    alias: "a\\nb"\n    criteria:\n      - require: signature', /alias must be/],
    ['a YAML bomb', 'a: &a [x, x]\nb: &b [*a, *a]\nmodels: {}', /anchors, aliases and tags are not allowed/],
    ['a tag', 'models: !!map {}', /anchors, aliases and tags/],
    ['too large', `models: {}\n#${'x'.repeat(300 << 10)}`, /larger than/],
  ];
  for (const [name, text, message] of bad) {
    it(`refuses ${name}`, () => {
      assert.throws(() => parseCriteria(text, 'acc.yaml'), (error: unknown) => error instanceof CriteriaError && message.test(error.message));
    });
  }
});

describe('lineage pieces', () => {
  it('matches one repository across URL spellings, and tells others apart', () => {
    assert.ok(sameRepo('https://github.com/team/proj.git', 'git@github.com:team/proj'));
    assert.ok(sameRepo('ssh://git@github.com/team/proj.git/', 'https://user@github.com/Team/Proj'));
    assert.ok(!sameRepo('https://github.com/team/proj.git', 'https://github.com/team/proj2.git'));
    assert.ok(!sameRepo('https://example.com/team/a.git', 'https://example.com/other/a.git'));
  });

  const stage = (name: string, cmd: string, deps: string[]): Stage => ({
    address: name, kind: 'pipeline', name, file: 'dvc.yaml', position: { line: 1, column: 1 }, cmd, wdir: '', params: [], outs: [], frozen: false, alwaysChanged: false, lock: undefined,
    deps: deps.map((d) => ({ defPath: d, repoPath: d, absPath: `/r/${d}`, position: { line: 1, column: 1 } })),
  });
  const stages = [stage('prepare', 'python src/prepare.py', ['src/prepare.py', 'data/raw.csv']), stage('train', 'python src/train.py --fast', ['data/prepared.csv']), stage('eval', 'python src/train.py --eval', [])];

  it("chooses the stage running the run's script, and says when it cannot", () => {
    assert.deepEqual(chooseStage(stages, 'src/prepare.py', '/r', '/r'), { kind: 'one', stage: stages[0] });
    assert.deepEqual(chooseStage(stages, '/r/src/prepare.py', '/r', '/r'), { kind: 'one', stage: stages[0] });
    assert.equal(chooseStage(stages, 'src/train.py', '/r', '/r').kind, 'many');
    assert.equal(chooseStage(stages, 'notebook.ipynb', '/r', '/r').kind, 'none');
    assert.equal(chooseStage(stages, null, '/r', '/r').kind, 'none');
    assert.equal(chooseStage([], 'src/prepare.py', '/r', '/r').kind, 'none');
  });

  const dir = mkdtempSync(join(tmpdir(), 'lineage-history-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("folds a .dvc file's history into versions, a restored hash being a new version", async () => {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).toString().trim();
    git('init', '-q', '-b', 'main');
    const commits: string[] = [];
    for (const [hash, other] of [['aa', 'x'], ['aa', 'y'], ['bb', 'y'], ['aa', 'y']] as const) {
      writeFileSync(join(dir, 'raw.csv.dvc'), `outs:\n- md5: ${hash}000000000000000000000000000000\n  size: 1\n  hash: md5\n  path: raw.csv\n`);
      writeFileSync(join(dir, 'other.txt'), other);
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', `${hash} ${other}`);
      commits.push(git('rev-parse', 'HEAD'));
    }
    const repo = new Git(dir);
    const reader = repo.blobReader();
    try {
      const history = await new HistoryReader(repo, reader, dir).history(commits[3]!, { file: 'raw.csv.dvc', stage: undefined, defPath: 'raw.csv' });
      assert.deepEqual(history.segments.map((s) => [s.version, s.hash?.slice(0, 2), s.from, s.until]), [
        [1, 'aa', commits[0], commits[2]],
        [2, 'bb', commits[2], commits[3]],
        [3, 'aa', commits[3], undefined],
      ]);
      assert.equal(segmentAt(history, commits[0]!)?.version, 1);
      assert.equal(segmentAt(history, commits[3]!)?.version, 3);
    } finally {
      reader.dispose();
    }
  });
});
