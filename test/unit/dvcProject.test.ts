/**
 * The DVC project model: the check scheduler (debounced, serialized, put off while a dvc command
 * holds the repo, re-deciding only the stages a change reaches), driven by a clock the test moves,
 * over real repo handles of projects made here; and DvcProjects, the one owner of a workspace's
 * projects (found without checking them; checked once something asks).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Clock } from '../../src/core/clock.js';
import { BUSY_POLL_MS, CHANGE_DEBOUNCE_MS, DvcProject } from '../../src/core/dvc/project.js';
import { DvcProjects } from '../../src/core/dvc/projects.js';
import { openDvcRepo, type DvcRepo, type InspectOptions } from '../../src/core/dvc/repo.js';
import type { DvcActivity } from '../../src/core/dvc/activity.js';
import type { Logger } from '../../src/core/log.js';

const scratch = mkdtempSync(join(tmpdir(), 'mlw-dvcproject-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const PIPELINE = `stages:
  prepare:
    cmd: cp raw.txt prepared.txt
    deps: [raw.txt]
    outs: [prepared.txt]
  train:
    cmd: cp prepared.txt model.txt
    deps: [prepared.txt]
    outs: [model.txt]
  other:
    cmd: cp other-in.txt other.txt
    deps: [other-in.txt]
    outs: [other.txt]
`;

function project(parent = scratch, files: Record<string, string> = { 'dvc.yaml': PIPELINE, 'raw.txt': 'raw\n', 'other-in.txt': 'x\n' }): string {
  const root = mkdtempSync(join(parent, 'p-'));
  mkdirSync(join(root, '.dvc'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** Timers that fire only when the test moves time on. */
class ManualClock implements Clock {
  private time = 0;
  private next = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();
  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].callback();
    }
    this.time = until;
  }
}

/** A real repo handle whose inspections are counted (and can be held), and whose lock state the test sets. */
function spiedRepo(root: string): { repo: DvcRepo; inspections: InspectOptions[]; hold(): () => void; busy: DvcActivity[] } {
  const real = openDvcRepo(root, { inProcess: true });
  const inspections: InspectOptions[] = [];
  const busy: DvcActivity[] = [];
  let gate: Promise<void> = Promise.resolve();
  const repo: DvcRepo = {
    ...real,
    inspect: async (options = {}) => {
      inspections.push(options);
      await gate;
      return real.inspect(options);
    },
    activity: async () => busy.shift() ?? { busy: false, holders: [] },
  };
  const hold = (): (() => void) => {
    let release!: () => void;
    gate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      gate = Promise.resolve();
      release();
    };
  };
  return { repo, inspections, hold, busy };
}

/** Lets promises and I/O run until `done` holds (a hang guard, not a timing). */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 20_000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(done(), `never happened: ${what}`);
}

const lines: string[] = [];
const log: Logger = { trace: (m) => lines.push(m), info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(String(m)) };
const folder = { name: 'ws', path: scratch };

test('a burst of changes makes one check after the quiet time; the first check previews the stages, then decides them all', async () => {
  const root = project();
  const clock = new ManualClock();
  const spy = spiedRepo(root);
  const p = new DvcProject(root, folder, spy.repo, { clock, log });
  const states: string[] = [];
  p.onDidChange(() => states.push(p.state.kind === 'loading' ? `loading${p.state.preview ? '+preview' : ''}` : p.state.kind));
  p.schedule(join(root, 'raw.txt'));
  clock.advance(CHANGE_DEBOUNCE_MS - 1);
  p.schedule(join(root, 'raw.txt'));
  clock.advance(CHANGE_DEBOUNCE_MS - 1);
  p.schedule(join(root, 'other-in.txt'));
  assert.equal(spy.inspections.length, 0);
  clock.advance(CHANGE_DEBOUNCE_MS);
  await until(() => p.state.kind === 'ready', 'the first check');
  assert.equal(spy.inspections.length, 1);
  assert.equal(spy.inspections[0]!.reuse, undefined, 'nothing to reuse before a first check');
  assert.deepEqual(states, ['loading+preview', 'ready']);
  assert.deepEqual(p.inspection!.status.stages.map((s) => s.state), ['never-run', 'never-run', 'never-run']);
  assert.equal(p.label, `ws/${root.slice(scratch.length + 1)}`);
  p.dispose();
});

test('a changed dep re-decides only the stages it reaches; a dvc.yaml change re-decides all', async () => {
  const root = project();
  const clock = new ManualClock();
  const spy = spiedRepo(root);
  const p = new DvcProject(root, folder, spy.repo, { clock, log });
  await p.checkNow();
  p.schedule(join(root, 'raw.txt'));
  clock.advance(CHANGE_DEBOUNCE_MS);
  await until(() => spy.inspections.length === 2 && !!p.inspection, 'the check after raw.txt changed');
  assert.deepEqual(spy.inspections[1]!.reuse?.recheck, ['prepare', 'train']);
  await until(() => clock.pending === 0 && p.busy === undefined, 'quiet');
  p.schedule(join(root, 'dvc.yaml'));
  clock.advance(CHANGE_DEBOUNCE_MS);
  await until(() => spy.inspections.length === 3, 'the check after dvc.yaml changed');
  assert.equal(spy.inspections[2]!.reuse, undefined);
  p.schedule(join(scratch, 'outside.txt'));
  clock.advance(CHANGE_DEBOUNCE_MS);
  await until(() => spy.inspections.length === 4, 'the check after a change outside the project');
  assert.equal(spy.inspections[3]!.reuse, undefined);
  p.dispose();
});

test('a change during a check runs exactly one more check after it; checkNow resolves after the check it joined', async () => {
  const root = project();
  const clock = new ManualClock();
  const spy = spiedRepo(root);
  const p = new DvcProject(root, folder, spy.repo, { clock, log });
  await p.checkNow();
  const release = spy.hold();
  p.schedule(join(root, 'other-in.txt'));
  clock.advance(CHANGE_DEBOUNCE_MS);
  await until(() => spy.inspections.length === 2, 'the held check started');
  p.schedule(join(root, 'raw.txt'));
  clock.advance(CHANGE_DEBOUNCE_MS);
  p.schedule(join(root, 'raw.txt'));
  clock.advance(CHANGE_DEBOUNCE_MS);
  let joined = false;
  const now = p.checkNow().then(() => (joined = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(joined, false);
  release();
  await now;
  assert.equal(spy.inspections.length, 3, 'the held check and one more');
  assert.equal(spy.inspections[2]!.reuse, undefined, 'checkNow asks for every stage');
  p.dispose();
});

test('while a dvc command holds the repo, the check waits (polling the lock), says so once, then decides everything', async () => {
  const root = project();
  const clock = new ManualClock();
  const spy = spiedRepo(root);
  const p = new DvcProject(root, folder, spy.repo, { clock, log });
  await p.checkNow();
  const holder = { busy: true, holders: ['dvc repro (PID 42)'] };
  spy.busy.push(holder, holder);
  let changes = 0;
  p.onDidChange(() => changes++);
  p.schedule(join(root, 'raw.txt'));
  clock.advance(CHANGE_DEBOUNCE_MS);
  await until(() => p.busy !== undefined && clock.pending === 1, 'waiting for dvc');
  assert.equal(changes, 1);
  assert.deepEqual(p.busy?.holders, ['dvc repro (PID 42)']);
  clock.advance(BUSY_POLL_MS);
  await until(() => spy.busy.length === 0 && clock.pending === 1, 'second poll');
  assert.equal(spy.inspections.length, 1, 'no check while busy');
  assert.equal(changes, 1, 'said once');
  clock.advance(BUSY_POLL_MS);
  await until(() => spy.inspections.length === 2 && p.busy === undefined && changes === 2, 'the check after dvc ended');
  assert.equal(spy.inspections[1]!.reuse, undefined, 'a dvc command may have changed anything');
  assert.ok(lines.some((l) => l.includes('waiting while DVC works (dvc repro (PID 42))')));
  p.dispose();
});

test('a check that fails leaves an error state with the message; the next one recovers', async () => {
  const root = project(scratch, { 'dvc.yaml': 'stages:\n  broken: [', 'raw.txt': 'x' });
  const p = new DvcProject(root, folder, openDvcRepo(root, { inProcess: true }), { clock: new ManualClock(), log });
  await p.checkNow();
  const state = p.state;
  assert.ok(state.kind === 'error' || (state.kind === 'ready' && state.inspection.diagnostics.length > 0), `broken yaml: ${JSON.stringify(state.kind)}`);
  writeFileSync(join(root, 'dvc.yaml'), PIPELINE);
  await p.checkNow();
  assert.equal(p.state.kind, 'ready');
  assert.equal(p.inspection!.stages.length, 3);
  p.dispose();
});

test('disposed, a project forgets its timer and a check in flight ends without a state change', async () => {
  const root = project();
  const clock = new ManualClock();
  const spy = spiedRepo(root);
  const p = new DvcProject(root, folder, spy.repo, { clock, log });
  await p.checkNow();
  const release = spy.hold();
  p.schedule();
  clock.advance(CHANGE_DEBOUNCE_MS);
  await until(() => spy.inspections.length === 2, 'the held check started');
  p.schedule();
  let changes = 0;
  p.onDidChange(() => changes++);
  p.dispose();
  assert.equal(clock.pending, 0);
  release();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(changes, 0);
  p.schedule();
  assert.equal(clock.pending, 0, 'a disposed project schedules nothing');
});

test('DvcProjects finds nested projects without checking them, checks them once started, and follows projects that come and go', async () => {
  const workspace = mkdtempSync(join(scratch, 'ws-'));
  const outer = project(workspace);
  const inner = project(outer);
  const opened: string[] = [];
  const inspected: string[] = [];
  const clock = new ManualClock();
  const projects = new DvcProjects({
    folders: () => [{ name: 'ws', path: workspace }],
    openRepo: (root) => {
      opened.push(root);
      const real = openDvcRepo(root, { inProcess: true });
      return { ...real, inspect: (o) => (inspected.push(root), real.inspect(o)), activity: async () => ({ busy: false, holders: [] }) };
    },
    clock,
    log,
  });
  const changes: { added: string[]; removed: string[] }[] = [];
  projects.onDidChangeProjects(({ added, removed }) => changes.push({ added: added.map((p) => p.root), removed: removed.map((p) => p.root) }));
  await projects.discovered();
  assert.deepEqual(projects.projects.map((p) => p.root), [outer, inner].sort());
  assert.equal(projects.projectFor(join(inner, 'dvc.yaml'))?.root, inner, 'the innermost project');
  assert.equal(projects.projectFor(join(outer, 'raw.txt'))?.root, outer);
  assert.equal(projects.projectFor(scratch), undefined);
  clock.advance(1000);
  assert.deepEqual(inspected, [], 'finding projects checks none');
  const pipeline = await projects.projects[0]!.pipeline();
  assert.deepEqual(pipeline.stages.map((s) => s.address), ['prepare', 'train', 'other']);
  assert.equal(pipeline.hasPipelineFile, true);

  await projects.ensureStarted();
  clock.advance(0);
  await until(() => projects.projects.every((p) => p.state.kind === 'ready'), 'both checked');
  assert.deepEqual(inspected.sort(), [outer, inner].sort());

  const third = project(workspace);
  rmSync(join(inner, '.dvc'), { recursive: true });
  await projects.rediscover();
  assert.deepEqual(changes.at(-1), { added: [third], removed: [inner] });
  clock.advance(0);
  await until(() => projects.projectFor(third)?.state.kind === 'ready', 'the new project checked (checks are on)');
  assert.equal(opened.filter((r) => r === outer).length, 1, 'a kept project is not opened again');
  projects.dispose();
});
