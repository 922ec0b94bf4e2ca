/**
 * Bad input for the native experiments reader, on a git repository made here (the happy path is
 * the contract suite's, against real DVC): a ref naming a missing commit, a broken ref file, an
 * experiment commit without dvc.lock, unreadable params and metrics (YAML/JSON/TOML), a pipeline
 * that cannot load, a queue entry whose stash commit is gone, corrupt queue files. Each such row
 * says what is wrong, the other rows are intact, and nothing in the repo is written.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DvcExperiments, ExperimentsError, ExperimentsThread, classifyChange, experimentRows, type ExpRange, type ExpState } from '../../src/core/dvc/experiments/index.js';
import { decodeMessage } from '../../src/core/dvc/experiments/queue.js';
import { buildView, rowsFromExperiments } from '../../src/core/experimentsTable/index.js';
import { main } from '../../src/cli/main.js';

const DVC_YAML = `stages:
  train:
    cmd: python train.py
    deps: [train.py]
    params:
      - lr
      - config.json:
          - depth
      - extra.toml:
    outs: [model.bin]
    metrics:
      - metrics.json:
          cache: false
      - eval.yaml
`;

function lock(lr: number, evalMd5: string): string {
  return `schema: '2.0'
stages:
  train:
    cmd: python train.py
    deps:
    - path: train.py
      hash: md5
      md5: 0123456789abcdef0123456789abcdef
      size: 10
    params:
      params.yaml:
        lr: ${lr}
      config.json:
        depth: 3
    outs:
    - path: eval.yaml
      hash: md5
      md5: ${evalMd5}
      size: 9
    - path: metrics.json
      hash: md5
      md5: fedcba9876543210fedcba9876543210
      size: 12
    - path: model.bin
      hash: md5
      md5: 00112233445566778899aabbccddeeff
      size: 3
`;
}

/**
 * Files written a moment ago are "racy" (a second write in the same tick would keep their stamp),
 * and nothing is kept by them: the work tree (not .git) written a minute ago instead.
 */
function backdateTree(dir: string): void {
  const then = new Date(Date.now() - 60_000);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    if (entry.isDirectory()) backdateTree(join(dir, entry.name));
    utimesSync(join(dir, entry.name), then, then);
  }
  utimesSync(dir, then, then);
}

describe('dvc experiments: bad input', () => {
  let repo = '';
  let baseline = '';
  let experiments: DvcExperiments;
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();
  const write = (path: string, text: string): void => {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), text);
  };
  const expRef = (name: string): string => `refs/exps/${baseline.slice(0, 2)}/${baseline.slice(2)}/${name}`;
  /** An experiment commit on the baseline with the given files changed (undefined: removed). */
  const experiment = (name: string, files: Record<string, string | undefined>): string => {
    git('checkout', '-q', '--detach', baseline);
    for (const [path, text] of Object.entries(files)) {
      if (text === undefined) git('rm', '-q', path);
      else write(path, text);
    }
    git('add', '-A');
    git('commit', '-q', '-m', name);
    const oid = git('rev-parse', 'HEAD');
    git('update-ref', expRef(name), oid);
    git('checkout', '-q', 'main');
    return oid;
  };
  const evalMd5 = '9a0364b9e99bb480dd25e1f0284c8555';

  before(() => {
    repo = mkdtempSync(join(tmpdir(), 'mlw-exp-bad-'));
    git('init', '-q', '-b', 'main');
    write('.dvc/config', '');
    write('.dvc/.gitignore', '/cache\n/tmp\n');
    write('dvc.yaml', DVC_YAML);
    write('params.yaml', 'lr: 0.1\n');
    write('config.json', '{"depth": 3, "other": 1}\n');
    write('extra.toml', '[s]\na = 1\n');
    write('metrics.json', '{"acc": 0.9}\n');
    write('train.py', 'print(1)\n');
    write('dvc.lock', lock(0.1, evalMd5));
    // eval.yaml is a cached out: in no commit, in the DVC cache at the hash dvc.lock records.
    write(`.dvc/cache/files/md5/${evalMd5.slice(0, 2)}/${evalMd5.slice(2)}`, 'auc: 0.8\n');
    write('.gitignore', '/eval.yaml\n/model.bin\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'baseline');
    baseline = git('rev-parse', 'HEAD');
    experiment('good', { 'params.yaml': 'lr: 0.2\n', 'metrics.json': '{"acc": 0.8}\n', 'dvc.lock': lock(0.2, evalMd5) });
    experiment('no-lock', { 'params.yaml': 'lr: 0.3\n', 'dvc.lock': undefined });
    experiment('bad-files', { 'config.json': '{"depth": ', 'extra.toml': '[s\n', 'metrics.json': 'acc: [\n' });
    experiment('bad-params-yaml', { 'params.yaml': 'lr: [\n' });
    // A ref naming an object the clone does not have, and a ref file that holds no id at all.
    writeFileSync(join(repo, '.git', ...expRef('missing').split('/')), '1234567890123456789012345678901234567890\n');
    writeFileSync(join(repo, '.git', ...expRef('broken').split('/')), 'not an id\n');
    // The queue: one entry whose stash commit is gone, one good queued entry, a corrupt message.
    const stash = experiment('stash-source', { 'params.yaml': 'lr: 0.5\n' });
    git('update-ref', '-d', expRef('stash-source'));
    const broker = join(repo, '.dvc', 'tmp', 'exps', 'celery', 'broker');
    mkdirSync(join(broker, 'in'), { recursive: true });
    mkdirSync(join(broker, 'processed'), { recursive: true });
    writeFileSync(join(broker, 'in', '1_a.celery.msg'), message('t1', { stash_rev: 'ab'.repeat(20), baseline_rev: baseline, name: 'lost-stash' }));
    writeFileSync(join(broker, 'in', '2_b.celery.msg'), message('t2', { stash_rev: stash, baseline_rev: baseline, name: 'waiting' }));
    writeFileSync(join(broker, 'in', '3_c.celery.msg'), '{"body": "half-writ');
    // A finished task whose executor recorded no result (failed), with its stash gone too.
    writeFileSync(join(broker, 'processed', '4_d.celery.msg'), message('t4', { stash_rev: 'cd'.repeat(20), baseline_rev: baseline, name: 'failed-lost' }));
    const result = join(repo, '.dvc', 'tmp', 'exps', 'celery', 'result');
    mkdirSync(result, { recursive: true });
    writeFileSync(join(result, 'celery-task-meta-t4'), '{"status": "SUCCESS", "result": null}');
    const run = join(repo, '.dvc', 'tmp', 'exps', 'run', 'cd'.repeat(20));
    mkdirSync(run, { recursive: true });
    writeFileSync(join(run, `${'cd'.repeat(20)}.run`), JSON.stringify({ git_url: '', baseline_rev: baseline, location: 'dvc-task', root_dir: '/nowhere', dvc_dir: '.dvc', name: 'failed-lost', result_hash: null, result_ref: null, status: 4 }));
    experiments = new DvcExperiments(repo);
  });

  after(() => {
    experiments?.dispose();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  const ranges = async (): Promise<Map<string, ExpRange>> => {
    const states = await experiments.show();
    return new Map((states[1]!.experiments ?? []).map((r) => [r.name ?? '', r]));
  };

  it('a good experiment reads whole: params (nested, keys), metrics from git and from the DVC cache, deps and outs', async () => {
    const good = (await ranges()).get('good')!.revs[0]!;
    assert.equal(good.error, null);
    assert.deepEqual(good.data!.params, {
      'params.yaml': { data: { lr: 0.2 } },
      'config.json': { data: { depth: 3 } },
      'extra.toml': { data: { s: { a: 1 } } },
    });
    assert.deepEqual(good.data!.metrics, { 'metrics.json': { data: { acc: 0.8 } }, 'eval.yaml': { data: { auc: 0.8 } } });
    assert.deepEqual(good.data!.deps, { 'train.py': { hash: '0123456789abcdef0123456789abcdef', size: 10, nfiles: null } });
    assert.deepEqual(good.data!.outs, { 'model.bin': { hash: '00112233445566778899aabbccddeeff', size: 3, nfiles: null, use_cache: true, is_data_source: false } });
  });

  it('an experiment commit without dvc.lock: no hashes, and the cached metrics file says why it is missing', async () => {
    const row = (await ranges()).get('no-lock')!.revs[0]!;
    assert.equal(row.error, null);
    assert.deepEqual(row.data!.deps['train.py'], { hash: null, size: null, nfiles: null });
    const evalResult = row.data!.metrics['eval.yaml'] as { error: { type: string; msg: string } };
    assert.equal(evalResult.error.type, 'FileNotFoundError');
    assert.match(evalResult.error.msg, /eval\.yaml.*stage 'train'.*dvc\.lock records no hash/);
    assert.deepEqual(row.data!.metrics['metrics.json'], { data: { acc: 0.9 } });
  });

  it('unreadable params and metrics are errors on those files, of the types DVC names', async () => {
    const row = (await ranges()).get('bad-files')!.revs[0]!;
    const error = (files: Record<string, unknown>, path: string) => (files[path] as { error: { type: string; msg: string } }).error;
    assert.equal(error(row.data!.params, 'config.json').type, 'JSONFileCorruptedError');
    assert.match(error(row.data!.params, 'config.json').msg, /config\.json.*line 1/);
    assert.equal(error(row.data!.params, 'extra.toml').type, 'TOMLFileCorruptedError');
    assert.equal(error(row.data!.metrics, 'metrics.json').type, 'JSONFileCorruptedError');
    assert.deepEqual(row.data!.params['params.yaml'], { data: { lr: 0.1 } });
  });

  it('a params.yaml that cannot be read fails the whole row (DVC cannot load the pipeline), with the reason', async () => {
    const row = (await ranges()).get('bad-params-yaml')!.revs[0]!;
    assert.equal(row.data, null);
    assert.equal(row.error!.type, 'YAMLFileCorruptedError');
    assert.match(row.error!.msg, /params\.yaml/);
  });

  it('a ref naming a missing commit and a broken ref file are rows that say so', async () => {
    const all = await ranges();
    assert.equal(all.get('missing')!.revs[0]!.error!.type, 'RevError');
    assert.match(all.get('missing')!.revs[0]!.error!.msg, /1234567890123456789012345678901234567890 is not in this git repository/);
    assert.match(all.get('broken')!.revs[0]!.error!.msg, /broken/);
  });

  it('a queued entry whose stash commit is gone, and a failed one: rows with errors; the good queued one reads', async () => {
    const all = await ranges();
    const lost = all.get('lost-stash')!;
    assert.equal(lost.executor!.state, 'queued');
    assert.equal(lost.revs[0]!.data, null);
    assert.match(lost.revs[0]!.error!.msg, /not in this git repository/);
    const waiting = all.get('waiting')!;
    assert.equal(waiting.executor!.state, 'queued');
    assert.deepEqual(waiting.revs[0]!.data!.params['params.yaml'], { data: { lr: 0.5 } });
    assert.deepEqual(waiting.revs[0]!.data!.metrics, {});
    const failed = all.get('failed-lost')!;
    assert.equal(failed.executor!.state, 'failed');
    assert.deepEqual(failed.revs[0]!.error, { msg: 'Experiment run failed', type: '' });
  });

  it('a corrupt queue message is skipped and reported; the rows are in dvc exp show order', async () => {
    const result = await experiments.read();
    assert.equal(result.problems.length, 1);
    assert.match(result.problems[0]!, /3_c\.celery\.msg/);
    const rows = experimentRows(result.states);
    assert.deepEqual(rows.map((r) => r.kind).slice(0, 2), ['workspace', 'baseline']);
    const statuses = rows.filter((r) => r.kind === 'experiment').map((r) => r.status);
    assert.deepEqual(statuses, [...statuses].sort((a, b) => order(a) - order(b)));
  });

  it('the workspace: a broken params file is that file\'s error; a broken params.yaml is the row\'s', async () => {
    write('config.json', '{"depth": }');
    try {
      const workspace = (await experiments.show())[0]!;
      assert.equal((workspace.data!.params['config.json'] as { error: { type: string } }).error.type, 'JSONFileCorruptedError');
      write('params.yaml', 'lr: [\n');
      const broken = (await experiments.show())[0]!;
      assert.equal(broken.error!.type, 'YAMLFileCorruptedError');
    } finally {
      git('checkout', '-q', '--', 'config.json', 'params.yaml');
    }
    assert.equal((await experiments.show())[0]!.error, null);
  });

  it('reading writes nothing in the repo', async () => {
    const before = listing(repo);
    await experiments.show({ allCommits: true });
    const another = new DvcExperiments(repo);
    await another.show({ num: 3 });
    another.dispose();
    assert.deepEqual(listing(repo), before);
  });

  it('an unknown --rev fails the read; -n past the root stops there', async () => {
    await assert.rejects(experiments.show({ revs: ['nope'] }), /unknown Git revision 'nope'/);
    const states = await experiments.show({ revs: ['main'], num: 5 });
    assert.deepEqual(states.map((s: ExpState) => s.rev), ['workspace', baseline]);
  });

  it('a change is classified: refs, queue, workspace files, or nothing', async () => {
    const { watch } = await experiments.read();
    assert.equal(classifyChange(watch, join(repo, '.git', 'refs', 'exps', 'ab', 'cd', 'x')), 'refs');
    assert.equal(classifyChange(watch, join(repo, '.git', 'packed-refs')), 'refs');
    assert.equal(classifyChange(watch, join(repo, '.git', 'objects', 'ab', 'cd')), undefined);
    assert.equal(classifyChange(watch, join(repo, '.dvc', 'tmp', 'exps', 'celery', 'broker', 'in', 'x.msg')), 'queue');
    assert.equal(classifyChange(watch, join(repo, 'metrics.json')), 'workspace');
    assert.equal(classifyChange(watch, join(repo, 'extra.toml')), 'workspace');
    assert.equal(classifyChange(watch, join(repo, 'train.py')), undefined);
    assert.ok(watch.rootGlobs.includes('eval.yaml'));
  });

  it('a row cache file outside the repo: a new reader answers the same from it; a corrupt one is ignored', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'mlw-exp-rows-'));
    const path = join(cacheDir, 'rows.json');
    try {
      const first = new DvcExperiments(repo, { rowCachePath: path });
      const expected = await first.show();
      first.dispose();
      const kept = JSON.parse(readFileSync(path, 'utf8')) as { rows: Record<string, unknown> };
      // Rows with an error are not kept (bad-files), error-free ones are (the baseline, good).
      assert.ok(baseline in kept.rows);
      assert.ok(!Object.values(kept.rows).some((row) => JSON.stringify(row).includes('FileCorruptedError')));
      const second = new DvcExperiments(repo, { rowCachePath: path, gitCommand: 'git' });
      assert.deepEqual(await second.show(), expected);
      second.dispose();
      writeFileSync(path, '{"format": 1, "rows": ');
      const third = new DvcExperiments(repo, { rowCachePath: path });
      assert.deepEqual(await third.show(), expected);
      third.dispose();
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('with every row and commit in the row cache, a new reader answers without starting git', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlw-exp-nogit-walk-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'mlw-exp-rows-'));
    const path = join(cacheDir, 'rows.json');
    const run = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e.invalid' } }).trim();
    try {
      run('init', '-q', '-b', 'main');
      mkdirSync(join(dir, '.dvc'));
      writeFileSync(join(dir, '.dvc', 'config'), '');
      for (let i = 0; i < 4; i++) {
        writeFileSync(join(dir, 'params.yaml'), `lr: 0.${i + 1}\n`);
        run('add', '-A');
        run('commit', '-q', '-m', `commit ${i}`);
      }
      const first = new DvcExperiments(dir, { rowCachePath: path });
      const expected = await first.show({ num: 3 });
      first.dispose();
      assert.equal(expected.length, 4, 'the workspace and three baselines');
      const kept = JSON.parse(readFileSync(path, 'utf8')) as { commits: string[][] };
      assert.deepEqual(kept.commits.map((c) => c[0]).sort(), run('rev-list', '-n', '3', 'HEAD').split('\n').sort(), 'the walked commits are kept, without their messages');
      // git is not there for this reader: the walk from HEAD and every row come from the cache.
      const cached = new DvcExperiments(dir, { rowCachePath: path, gitCommand: join(dir, 'no-such-git') });
      assert.deepEqual(await cached.show({ num: 3 }), expected);
      cached.dispose();
      // A cache whose commits are not well formed is not used for walking: git is asked again.
      writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), commits: [['not-an-id', 'x', 1]] }));
      const refused = new DvcExperiments(dir, { rowCachePath: path, gitCommand: join(dir, 'no-such-git') });
      await assert.rejects(refused.show({ num: 3 }));
      refused.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('a kept workspace row (the CLI\'s): used while every file and folder it came from is unchanged, computed again after a change', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'mlw-exp-rows-'));
    const path = join(cacheDir, 'rows.json');
    const read = async (): Promise<ExpState> => {
      const reader = new DvcExperiments(repo, { rowCachePath: path, keepWorkspaceRow: true });
      try {
        return (await reader.show())[0]!;
      } finally {
        reader.dispose();
      }
    };
    const fresh = async (): Promise<ExpState> => {
      const reader = new DvcExperiments(repo);
      try {
        return (await reader.show())[0]!;
      } finally {
        reader.dispose();
      }
    };
    // Beside the rows, in a small file of its own.
    const keptPath = join(cacheDir, 'rows.workspace.json');
    type Kept = { format: number; stamps: [string, string][]; data: Record<string, unknown> };
    const mark = (): void => {
      const kept = JSON.parse(readFileSync(keptPath, 'utf8')) as Kept;
      writeFileSync(keptPath, JSON.stringify({ ...kept, data: { ...kept.data, meta: { marker: true } } }));
    };
    const marked = (state: ExpState): boolean => JSON.stringify(state.data).includes('"marker":true');
    const backdate = (): void => backdateTree(repo);
    try {
      // Written just now, the files are racy: the row is computed and answered, not kept.
      await read();
      assert.equal(existsSync(keptPath), false, 'a row read from files written in the last 2 s is not kept');
      backdate();
      const expected = await fresh();
      assert.equal(expected.rev, 'workspace');
      assert.deepEqual(await read(), expected);
      const stamped = (JSON.parse(readFileSync(keptPath, 'utf8')) as Kept).stamps.map(([p]) => p);
      for (const file of ['dvc.yaml', 'dvc.lock', 'params.yaml', 'config.json', 'extra.toml', 'metrics.json', join('.dvc', 'config'), '']) assert.ok(stamped.includes(join(repo, file)), `stamped: ${file || 'the root folder (walked for .dvc files)'}`);
      // Nothing changed: the kept row is what a new reader answers (the marker proves it was not computed).
      mark();
      assert.ok(marked(await read()));
      // A params file changed: computed again, as a reader without the cache computes it.
      const params = readFileSync(join(repo, 'params.yaml'), 'utf8');
      writeFileSync(join(repo, 'params.yaml'), params.replace(/lr: [0-9.]+/, 'lr: 0.777'));
      backdate();
      const changed = await read();
      assert.ok(!marked(changed));
      assert.deepEqual(changed, await fresh());
      assert.match(JSON.stringify(changed.data), /0\.777/);
      writeFileSync(join(repo, 'params.yaml'), params);
      backdate();
      assert.deepEqual(await read(), expected);
      // A folder gained an entry (a .dvc file could be there): computed again.
      mark();
      mkdirSync(join(repo, 'new-folder'));
      backdate();
      assert.deepEqual(await read(), expected);
      rmSync(join(repo, 'new-folder'), { recursive: true });
      // A reader that does not ask keeps no workspace row.
      const plain = join(cacheDir, 'plain.json');
      const reader = new DvcExperiments(repo, { rowCachePath: plain });
      await reader.show();
      reader.dispose();
      assert.ok(existsSync(plain));
      assert.equal(existsSync(join(cacheDir, 'plain.workspace.json')), false);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('exp-show --json keeps its answer by its inputs: printed again while refs, queue, workspace and config are unchanged, computed after any change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlw-exp-answer-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'mlw-exp-rows-'));
    const rows = join(cacheDir, 'rows.json');
    const answer = join(cacheDir, 'rows.answer');
    const run = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e.invalid' } }).trim();
    const cli = async (...flags: string[]): Promise<string> => {
      let out = '';
      let err = '';
      const code = await main(['exp-show', '--repo', dir, '--json', ...flags], { out: (t) => void (out += t), err: (t) => void (err += t) });
      assert.equal(code, 0, err);
      return out;
    };
    const backdate = (): void => backdateTree(dir);
    const mark = (): void => {
      const text = readFileSync(answer, 'utf8');
      writeFileSync(answer, `${text.slice(0, text.indexOf('\n'))}\n["marker"]\n`);
    };
    try {
      run('init', '-q', '-b', 'main');
      mkdirSync(join(dir, '.dvc'));
      writeFileSync(join(dir, '.dvc', 'config'), '');
      writeFileSync(join(dir, 'params.yaml'), 'lr: 0.1\n');
      run('add', '-A');
      run('commit', '-q', '-m', 'one');
      backdate();
      const expected = await cli('--no-row-cache');
      assert.equal(await cli('--row-cache', rows), expected);
      assert.equal(await cli('--row-cache', rows), expected, 'the workspace row kept, the answer kept');
      assert.ok(existsSync(answer));
      mark();
      assert.equal(await cli('--row-cache', rows), '["marker"]\n', 'nothing changed: the kept answer is printed');
      assert.equal(await cli('--row-cache', rows, '-n', '2'), expected, 'other flags: another answer');
      // A new ref (an experiment of HEAD): computed again.
      mark();
      const head = run('rev-parse', 'HEAD');
      run('update-ref', `refs/exps/${head.slice(0, 2)}/${head.slice(2)}/exp-a`, head);
      const withExp = await cli('--row-cache', rows);
      assert.equal(withExp, await cli('--no-row-cache'));
      assert.match(withExp, /exp-a/);
      // A workspace file: computed again.
      await cli('--row-cache', rows);
      mark();
      writeFileSync(join(dir, 'params.yaml'), 'lr: 0.7\n');
      backdate();
      const changed = await cli('--row-cache', rows);
      assert.match(changed, /0\.7/);
      assert.equal(changed, await cli('--no-row-cache'));
      // The DVC config: computed again.
      await cli('--row-cache', rows);
      mark();
      writeFileSync(join(dir, '.dvc', 'config.local'), '[core]\n    autostage = true\n');
      assert.equal(await cli('--row-cache', rows), changed);
      // Without --json nothing is kept or printed from the answer.
      mark();
      let table = '';
      assert.equal(await main(['exp-show', '--repo', dir, '--row-cache', rows], { out: (t) => void (table += t), err: () => undefined }), 0);
      assert.doesNotMatch(table, /marker/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('the worker-thread reader (the host\'s) answers as this thread\'s, keeps error reasons, and can be aborted', async () => {
    const threaded = new ExperimentsThread(repo);
    try {
      // Every row and its errors (timestamps are the commits' own), with -A: all commits.
      assert.deepEqual(await threaded.show({ allCommits: true }), await experiments.show({ allCommits: true }));
      await assert.rejects(threaded.show({ revs: ['nope'] }), (error: unknown) => error instanceof ExperimentsError && error.reason === 'unknown-rev' && /'nope'/.test(error.message));
      const controller = new AbortController();
      const read = threaded.show({ signal: controller.signal });
      controller.abort(new Error('stop'));
      await assert.rejects(read, /stop/);
      // Still usable after an abort; a reader on a folder outside git says so, typed.
      assert.equal((await threaded.show()).length, 2);
      const folder = mkdtempSync(join(tmpdir(), 'mlw-exp-nogit-'));
      const outside = new ExperimentsThread(folder);
      await assert.rejects(outside.show(), (error: unknown) => error instanceof ExperimentsError && error.reason === 'not-a-git-repo');
      outside.dispose();
      rmSync(folder, { recursive: true, force: true });
    } finally {
      threaded.dispose();
    }
    await assert.rejects(threaded.show(), /closed/);
  });

  it('as Experiments table rows: each bad one says what is wrong on the row, the others are whole, and filtering still works', async () => {
    const rows = rowsFromExperiments('r', experimentRows(await experiments.show()));
    const byName = new Map(rows.map((r) => [r.name, r]));
    assert.deepEqual(byName.get('good')!.problems, []);
    assert.equal(byName.get('good')!.cells['params.lr'], 0.2);
    assert.match(byName.get('missing')!.problems.join(), /^RevError: commit 1234567890123456789012345678901234567890 is not in this git repository/);
    assert.match(byName.get('broken')!.problems.join(), /broken/);
    assert.match(byName.get('bad-files')!.problems.join('\n'), /Params file config\.json could not be read: .*config\.json.*line 1/);
    assert.match(byName.get('bad-files')!.problems.join('\n'), /Metrics file metrics\.json could not be read/);
    assert.match(byName.get('no-lock')!.problems.join(), /Metrics file eval\.yaml could not be read: .*dvc\.lock records no hash/);
    assert.ok(byName.get('lost-stash')!.problems.length > 0, 'the queue entry whose stash is gone says so');
    const view = buildView(rows, { filter: 'metrics.acc < 0.85', sort: [{ column: 'params.lr', descending: true }] });
    assert.deepEqual(view.entries.filter((e) => e.kind === 'row' && e.matched).map((e) => e.kind === 'row' && e.row.name), ['good']);
  });

  it('decodes a task message; other tasks and queues are not queue entries', () => {
    assert.deepEqual(decodeMessage(message('x', { stash_rev: 'a', baseline_rev: 'b', name: null }))?.entry, { stashRev: 'a', baselineRev: 'b', name: null, branch: null, headRev: null });
    assert.equal(decodeMessage(message('x', { stash_rev: 'a', baseline_rev: 'b' }, 'other.task')), undefined);
  });
});

function order(status: string | null): number {
  return ['running', 'success', 'queued', 'failed'].indexOf(status ?? 'success');
}

/** A run_exp task message as kombu's filesystem transport writes it (dvc-task's broker). */
function message(id: string, entry: Record<string, unknown>, task = 'dvc.repo.experiments.queue.tasks.run_exp'): string {
  const body = Buffer.from(JSON.stringify([[{ dvc_root: '/r', scm_root: '/r', stash_ref: 'refs/exps/celery/stash', branch: null, head_rev: null, ...entry }], { copy_paths: [], message: null }, {}])).toString('base64');
  return JSON.stringify({ body, 'content-encoding': 'utf-8', 'content-type': 'application/json', headers: { task, id }, properties: { body_encoding: 'base64', delivery_info: { exchange: '', routing_key: 'celery' } } });
}

function listing(root: string): string[] {
  const out: string[] = [];
  const walk = (folder: string, rel: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(folder, entry.name), relPath);
      else out.push(`${relPath} ${statSync(join(folder, entry.name)).mtimeMs}`);
    }
  };
  walk(root, '');
  return out.sort();
}
