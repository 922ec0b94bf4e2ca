/**
 * The pipeline graph (src/core/dvc/pipelineGraph.ts): every stage a box with its status and line
 * in dvc.yaml, every dependency an edge, laid out upstream above downstream without overlaps.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { StageStatus } from '../../src/core/dvc/entities.js';
import { layoutPipeline, MAX_LABEL_CHARS } from '../../src/core/dvc/pipelineGraph.js';
import { openDvcRepo } from '../../src/core/dvc/repo.js';

const scratch = mkdtempSync(join(tmpdir(), 'mlw-graph-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const long = `s${'x'.repeat(80)}`;
const FILES = {
  'dvc.yaml': `stages:\n  prepare:\n    cmd: python prep.py\n    deps: [data/raw.csv]\n    outs: [data/prepared]\n  train:\n    cmd: python train.py\n    deps: [data/prepared]\n    outs: [model.pkl]\n  evaluate:\n    cmd: python eval.py\n    deps: [model.pkl, data/prepared]\n    outs: [eval.json]\n  ${long}:\n    cmd: echo\n    deps: [data/prepared]\n`,
  'data/raw.csv.dvc': 'outs:\n- md5: 0123456789abcdef0123456789abcdef\n  size: 3\n  hash: md5\n  path: raw.csv\n',
};

function status(address: string, state: StageStatus['state'], reasons: string[]): StageStatus {
  return { address, state, reasons, upstreamChanged: [], changedDeps: [], changedParams: [], changedOuts: [], commandChanged: false, alwaysChanged: false, neverRun: state === 'never-run', frozen: false, dvcJson: undefined };
}

test('stages become boxes with status, reasons and their dvc.yaml line; edges run from upstream down', async () => {
  const root = mkdtempSync(join(scratch, 'p-'));
  mkdirSync(join(root, '.dvc'));
  mkdirSync(join(root, 'data'));
  for (const [rel, text] of Object.entries(FILES)) writeFileSync(join(root, rel), text);
  const repo = openDvcRepo(root, { inProcess: true });
  try {
    const { stages, dag } = await repo.load();
    const statuses = new Map([
      ['train', status('train', 'changed', ['dep data/prepared modified'])],
      ['evaluate', status('evaluate', 'upstream-changed', ['upstream changed: train'])],
      ['prepare', status('prepare', 'up-to-date', [])],
    ]);
    const graph = layoutPipeline(stages, dag, statuses);
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    assert.deepEqual(graph.nodes.map((n) => [n.id, n.label, n.state, n.file, n.line]), [
      ['data/raw.csv.dvc', 'data/raw.csv', 'checking', 'data/raw.csv.dvc', 1],
      ['prepare', 'prepare', 'up-to-date', 'dvc.yaml', 2],
      ['train', 'train', 'changed', 'dvc.yaml', 6],
      ['evaluate', 'evaluate', 'upstream-changed', 'dvc.yaml', 10],
      [long, long, 'checking', 'dvc.yaml', 14],
    ]);
    assert.deepEqual(byId.get('train')!.reasons, ['dep data/prepared modified']);
    assert.deepEqual(graph.edges.map((e) => `${e.from}→${e.to}`).sort(), ['data/raw.csv.dvc→prepare', `prepare→${long}`, 'prepare→evaluate', 'prepare→train', 'train→evaluate'].sort());
    // Upstream above downstream, each edge with a route from the one box to the other.
    for (const edge of graph.edges) {
      assert.ok(byId.get(edge.from)!.y < byId.get(edge.to)!.y, `${edge.from} above ${edge.to}`);
      assert.ok(edge.points.length >= 2);
    }
    // No two boxes overlap, and all lie inside the graph's size.
    const boxes = graph.nodes;
    for (const a of boxes) {
      assert.ok(a.x - a.width / 2 >= 0 && a.x + a.width / 2 <= graph.width && a.y + a.height / 2 <= graph.height, a.id);
      for (const b of boxes) {
        if (a === b) continue;
        const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        assert.ok(apart, `${a.id} and ${b.id} overlap`);
      }
    }
    // A very long name gets the widest box, never wider.
    assert.equal(byId.get(long)!.width, MAX_LABEL_CHARS * 7 + 36);
    assert.equal(byId.get('train')!.width, 150);
  } finally {
    await repo.dispose();
  }
});

test('an empty pipeline is an empty graph', () => {
  const graph = layoutPipeline([], { upstream: new Map(), order: [] }, new Map());
  assert.deepEqual(graph.nodes, []);
  assert.deepEqual(graph.edges, []);
});
