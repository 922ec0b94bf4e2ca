/**
 * What the Lineage panel and the views' badges show, decided from a lineage answer (model.ts):
 * a graph in columns (data versions → stage → run → model version → aliases), each node naming
 * what it opens; the currency headline ("trained on data/raw v2 — HEAD has v4, 3 commits later");
 * the stated gaps as they are. Plain data, so the host only translates it.
 */
import type { DataInput, DataLineage, Gap, Lineage, ModelVersionRef } from './model.js';

export const GRAPH_COLUMNS = ['Data', 'Stage', 'Run', 'Model version', 'Aliases'] as const;

/** What a node opens: the view or file its item lives in. */
export type NodeTarget =
  | { readonly kind: 'data'; readonly path: string; readonly commit: string | null }
  | { readonly kind: 'stage'; readonly file: string; readonly stage: string }
  | { readonly kind: 'run'; readonly runId: string }
  | { readonly kind: 'model-version'; readonly name: string; readonly version: string };

export interface GraphNode {
  readonly id: string;
  /** Index into GRAPH_COLUMNS. */
  readonly column: number;
  readonly kind: 'data' | 'dataset' | 'stage' | 'run' | 'experiment' | 'model-version' | 'alias' | 'gap';
  readonly label: string;
  readonly detail: string;
  /** `stale`: not HEAD's version; `gap`: what could not be established. */
  readonly state: 'ok' | 'stale' | 'unknown' | 'gap';
  readonly tooltip: string;
  readonly target: NodeTarget | null;
}

export interface GraphCurrency {
  readonly state: 'current' | 'stale' | 'unknown';
  readonly headline: string;
  readonly lines: readonly string[];
}

export interface LineageGraph {
  readonly title: string;
  readonly subtitle: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly (readonly [string, string])[];
  readonly currency: GraphCurrency;
  readonly gaps: readonly { readonly code: string; readonly message: string }[];
}

const short = (id: string): string => id.slice(0, 7);
const shortHash = (hash: string): string => (hash.length > 12 ? hash.slice(0, 8) : hash);

/** The graph of a model version's or run's lineage; `registered` adds the versions a run became. */
export function graphOfLineage(lineage: Lineage, registered: readonly ModelVersionRef[] = []): LineageGraph {
  const nodes: GraphNode[] = [];
  const edges: [string, string][] = [];
  const run = lineage.run;
  const runId = run ? `run:${run.runId}` : undefined;
  const stageIds: string[] = [];
  for (const stage of lineage.stages) {
    const id = `stage:${stage.address}`;
    stageIds.push(id);
    const name = stage.address.includes(':') ? stage.address.slice(stage.address.lastIndexOf(':') + 1) : stage.address;
    const cmd = Array.isArray(stage.cmd) ? stage.cmd.join(' && ') : (stage.cmd ?? '');
    nodes.push({ id, column: 1, kind: 'stage', label: stage.address, detail: `${stage.file}${lineage.commit ? ` @ ${short(lineage.commit.id)}` : ''}`, state: 'ok', tooltip: [`Stage ${stage.address} (${stage.file})`, cmd && `cmd: ${cmd}`, ...paramLines(stage.params)].filter(Boolean).join('\n'), target: { kind: 'stage', file: stage.file, stage: name } });
    for (const input of stage.inputs) {
      const dataId = `data:${input.path}`;
      if (!nodes.some((n) => n.id === dataId)) nodes.push(dataNode(input, dataId));
      edges.push([dataId, id]);
    }
    if (runId) edges.push([id, runId]);
  }
  for (const dataset of lineage.datasets) {
    const id = `dataset:${dataset.name}:${dataset.digest}`;
    nodes.push({ id, column: 0, kind: 'dataset', label: dataset.name, detail: `MLflow dataset · ${dataset.context ?? 'input'} · ${dataset.digest}`, state: 'ok', tooltip: `MLflow dataset input ${dataset.name} (digest ${dataset.digest}, ${dataset.sourceType})\nsource: ${dataset.source}`, target: null });
    if (runId) edges.push([id, runId]);
  }
  if (lineage.stages.length === 0) {
    const gap = lineage.gaps.find((g) => g.code !== 'dirty-unknown' && g.code !== 'dirty') ?? lineage.gaps[0];
    if (gap || run) {
      nodes.push({ id: 'gap:data', column: 1, kind: 'gap', label: 'Data unknown', detail: gap ? gapTitle(gap) : 'no pipeline stage found', state: 'gap', tooltip: gap?.message ?? 'The run could not be traced to a pipeline stage.', target: null });
      if (runId) edges.push(['gap:data', runId]);
    }
  }
  if (run) {
    const commit = lineage.commit;
    const when = commit?.behindHead ? `, ${commit.behindHead} commit${commit.behindHead === 1 ? '' : 's'} behind HEAD` : commit?.behindHead === 0 ? ', at HEAD' : '';
    nodes.push({
      id: runId!,
      column: 2,
      kind: 'run',
      label: run.runName ?? run.runId,
      detail: commit ? `commit ${short(commit.id)}${commit.dirty ? ' (dirty)' : ''}${when}` : 'no commit recorded',
      state: commit?.inClone === false ? 'gap' : 'ok',
      tooltip: [`Run ${run.runId} (${run.status.toLowerCase()})`, commit ? `Commit ${commit.id}${commit.subject ? `: ${commit.subject}` : ''}` : 'No mlflow.source.git.commit tag', ...Object.entries(run.params).slice(0, 12).map(([k, v]) => `${k} = ${v}`), ...Object.entries(run.metrics).slice(0, 12).map(([k, v]) => `${k}: ${v}`)].join('\n'),
      target: { kind: 'run', runId: run.runId },
    });
  }
  const versions = lineage.modelVersion ? [lineage.modelVersion, ...registered.filter((v) => v.name !== lineage.modelVersion!.name || v.version !== lineage.modelVersion!.version)] : registered;
  for (const version of versions) modelNodes(version, runId, nodes, edges);
  const subject = lineage.modelVersion ? `${lineage.modelVersion.name} version ${lineage.modelVersion.version}` : run ? `run ${run.runName ?? run.runId}` : lineage.subject.id;
  return {
    title: `Lineage of ${subject}`,
    subtitle: lineage.commit ? `commit ${short(lineage.commit.id)}${lineage.commit.subject ? ` — ${lineage.commit.subject}` : ''}` : 'no commit recorded',
    nodes,
    edges,
    currency: currencyOfLineage(lineage),
    gaps: lineage.gaps.map((g) => ({ code: g.code, message: g.message })),
  };
}

/** The graph of a data version: what was trained on it, and what that became. */
export function graphOfData(data: DataLineage): LineageGraph {
  const nodes: GraphNode[] = [];
  const edges: [string, string][] = [];
  const version = data.versions.map((v) => `v${v.version}`).join(', ');
  const dataId = `data:${data.path}`;
  nodes.push({ id: dataId, column: 0, kind: 'data', label: data.path, detail: `${version || 'not in HEAD history'} · ${shortHash(data.hash)}${data.inCache ? '' : ' · not in cache'}`, state: data.versions.length === 0 ? 'unknown' : 'ok', tooltip: `${data.path} at ${data.rev}${data.commit ? ` (${short(data.commit)})` : ''}\nhash ${data.hash}\nrecorded in ${data.recordedIn}`, target: { kind: 'data', path: data.path, commit: data.versions[0]?.from ?? data.commit } });
  for (const run of data.runs) {
    const stageId = `stage:${run.stage}`;
    if (!nodes.some((n) => n.id === stageId)) {
      nodes.push({ id: stageId, column: 1, kind: 'stage', label: run.stage, detail: 'dvc.yaml', state: 'ok', tooltip: `Stage ${run.stage}`, target: { kind: 'stage', file: 'dvc.yaml', stage: run.stage.slice(run.stage.lastIndexOf(':') + 1) } });
      edges.push([dataId, stageId]);
    }
    const runId = `run:${run.runId}`;
    nodes.push({ id: runId, column: 2, kind: 'run', label: run.runName ?? run.runId, detail: `commit ${short(run.commit)}`, state: 'ok', tooltip: `Run ${run.runId}\ncommit ${run.commit}`, target: { kind: 'run', runId: run.runId } });
    edges.push([stageId, runId]);
  }
  for (const exp of data.experiments) {
    const id = `exp:${exp.name}`;
    if (nodes.some((n) => n.id === id)) continue;
    nodes.push({ id, column: 2, kind: 'experiment', label: exp.name, detail: `DVC experiment on ${short(exp.baseline)}`, state: 'ok', tooltip: `DVC experiment ${exp.name} (commit ${exp.commit}, baseline ${exp.baseline})`, target: null });
    const stageId = `stage:${exp.stage}`;
    if (!nodes.some((n) => n.id === stageId)) {
      nodes.push({ id: stageId, column: 1, kind: 'stage', label: exp.stage, detail: 'dvc.yaml', state: 'ok', tooltip: `Stage ${exp.stage}`, target: { kind: 'stage', file: 'dvc.yaml', stage: exp.stage.slice(exp.stage.lastIndexOf(':') + 1) } });
      edges.push([dataId, stageId]);
    }
    edges.push([stageId, id]);
  }
  for (const mv of data.modelVersions) modelNodes(mv, mv.runId ? `run:${mv.runId}` : undefined, nodes, edges);
  if (data.runs.length === 0 && data.experiments.length === 0) {
    nodes.push({ id: 'gap:runs', column: 2, kind: 'gap', label: 'No runs found', detail: 'nothing traced to this version', state: 'gap', tooltip: 'No run or DVC experiment in this repository and store was trained on this data version.', target: null });
    edges.push([dataId, 'gap:runs']);
  }
  const trained = `${data.runs.length} run${data.runs.length === 1 ? '' : 's'}, ${data.modelVersions.length} model version${data.modelVersions.length === 1 ? '' : 's'}`;
  return {
    title: `Lineage of ${data.path} ${version}`.trim(),
    subtitle: `${data.rev === 'HEAD' ? 'HEAD' : short(data.rev)} · ${shortHash(data.hash)}`,
    nodes,
    edges,
    currency: { state: 'unknown', headline: `Trained on this version: ${trained}`, lines: [] },
    gaps: data.gaps.map((g) => ({ code: g.code, message: g.message })),
  };
}

function modelNodes(version: ModelVersionRef, runId: string | undefined, nodes: GraphNode[], edges: [string, string][]): void {
  const id = `mv:${version.name}/${version.version}`;
  if (nodes.some((n) => n.id === id)) return;
  const target = { kind: 'model-version', name: version.name, version: version.version } as const;
  nodes.push({ id, column: 3, kind: 'model-version', label: `${version.name} v${version.version}`, detail: sourceLabel(version.source), state: 'ok', tooltip: `${version.name} version ${version.version}\nsource ${version.source ?? '—'}`, target });
  if (runId) edges.push([runId, id]);
  for (const alias of version.aliases) {
    const aliasId = `alias:${version.name}@${alias}`;
    nodes.push({ id: aliasId, column: 4, kind: 'alias', label: `@${alias}`, detail: `models:/${version.name}@${alias}`, state: 'ok', tooltip: `@${alias} names ${version.name} version ${version.version}`, target });
    edges.push([id, aliasId]);
  }
}

/** `models:/m-3eef26d2…` reads as "logged model m-3eef26d2"; a run's path as "runs:/abcdef1/model". */
function sourceLabel(source: string | null): string {
  if (!source) return 'no source recorded';
  const logged = /^models:\/(m-[0-9a-f]+)$/.exec(source);
  if (logged) return `logged model ${logged[1]!.slice(0, 10)}`;
  const run = /^runs:\/([0-9a-f]+)\/(.*)$/.exec(source);
  if (run) return `runs:/${run[1]!.slice(0, 7)}/${run[2]}`;
  return source.length > 60 ? `…${source.slice(-59)}` : source;
}

function dataNode(input: DataInput, id: string): GraphNode {
  const stale = input.currency.currentAtHead === false;
  const version = input.version !== null ? `v${input.version}` : input.hash ? shortHash(input.hash) : 'no hash';
  const kind = input.kind === 'dvc' ? '' : input.kind === 'git' ? ' · in git' : ' · untracked';
  const head = stale ? ` · HEAD has ${input.currency.headVersion !== null ? `v${input.currency.headVersion}` : 'another version'}` : '';
  const tooltip = [
    `${input.path}${input.trackedAs ? ` (in ${input.trackedAs})` : ''}`,
    input.hash ? `hash ${input.hash}` : 'no hash recorded',
    input.recordedIn ? `recorded in ${input.recordedIn}${input.producedBy ? `, output of stage ${input.producedBy}` : ''}` : undefined,
    input.range ? `held from ${short(input.range.from)} until ${input.range.until ? short(input.range.until) : 'HEAD'}` : undefined,
    input.inCache === false ? 'not in the DVC cache' : undefined,
    input.currency.currentInWorkspace === false ? 'the workspace records another version' : undefined,
  ].filter(Boolean);
  return { id, column: 0, kind: 'data', label: input.path, detail: `${version}${kind}${head}`, state: stale ? 'stale' : input.currency.currentAtHead === null && input.kind === 'dvc' ? 'unknown' : 'ok', tooltip: tooltip.join('\n'), target: input.kind === 'untracked' ? null : { kind: 'data', path: input.trackedAs ?? input.path, commit: input.range?.from ?? null } };
}

function paramLines(params: Record<string, Record<string, unknown>>): string[] {
  const lines: string[] = [];
  for (const [file, values] of Object.entries(params)) {
    const walk = (prefix: string, value: unknown): void => {
      if (value && typeof value === 'object' && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
      else lines.push(`${file}: ${prefix} = ${JSON.stringify(value)}`);
    };
    walk('', values);
  }
  return lines.slice(0, 20);
}

function gapTitle(gap: Gap): string {
  const titles: Partial<Record<Gap['code'], string>> = {
    'no-commit-tag': 'run has no git commit tag',
    'commit-missing': 'commit not in this clone',
    'shallow-clone': 'shallow clone',
    'other-repo': 'logged from another repository',
    'no-dvc-source': 'no DVC pipeline at the commit',
    'stage-unknown': 'no stage runs the script',
    'stage-ambiguous': 'several stages run the script',
    'no-source-run': 'no source run',
    'run-not-found': 'run not in the store',
  };
  return titles[gap.code] ?? gap.code;
}

/** The currency headline: stale inputs first, the workspace's uncommitted data next. */
export function currencyOfLineage(lineage: Lineage): GraphCurrency {
  const workspace = lineage.stages.flatMap((s) => s.inputs).filter((i) => i.kind === 'dvc' && i.currency.currentAtHead !== false && i.currency.currentInWorkspace === false);
  const workspaceLines = [...new Set(workspace.map((i) => i.path))].map((path) => `${path}: the workspace records a version HEAD does not have yet (uncommitted)`);
  const { state, stale, head } = lineage.currency;
  if (state === 'stale') return { state, headline: stale[0]!.message, lines: [...stale.slice(1).map((s) => s.message), ...workspaceLines] };
  if (state === 'current' && workspace.length > 0) return { state: 'stale', headline: workspaceLines[0]!, lines: workspaceLines.slice(1) };
  if (state === 'current') return { state, headline: `Trained on HEAD's data: every DVC input is the version HEAD (${short(head ?? '')}) records`, lines: [] };
  const why = lineage.gaps.find((g) => !['dirty-unknown', 'lock-differs', 'not-in-cache'].includes(g.code));
  return { state: 'unknown', headline: `Whether the data is current is unknown${why ? `: ${gapTitle(why)}` : ''}`, lines: [] };
}

/** The Models view's badge for a version: "stale data", with why in the tooltip. */
export function modelVersionBadge(lineage: Lineage): { readonly state: GraphCurrency['state']; readonly description: string | undefined; readonly tooltip: string } {
  const currency = currencyOfLineage(lineage);
  if (currency.state === 'stale') return { state: 'stale', description: 'trained on stale data', tooltip: [currency.headline, ...currency.lines].join('\n') };
  return { state: currency.state, description: undefined, tooltip: currency.headline };
}

/** The Data view's line for a version: the runs and model versions trained on it. */
export function trainedOnSummary(data: DataLineage): { readonly description: string | undefined; readonly tooltip: string } {
  const runs = data.runs.length;
  const models = data.modelVersions.map((v) => `${v.name} v${v.version}${v.aliases.length ? ` ${v.aliases.map((a) => `@${a}`).join(' ')}` : ''}`);
  if (runs === 0 && data.experiments.length === 0) return { description: undefined, tooltip: 'No run or DVC experiment was trained on this version.' };
  const parts = [runs > 0 ? `trained ${runs} run${runs === 1 ? '' : 's'}` : 'trained', data.experiments.length > 0 ? `${data.experiments.length} exp${data.experiments.length === 1 ? '' : 's'}` : undefined, ...models.slice(0, 2), models.length > 2 ? `+${models.length - 2}` : undefined];
  const tooltip = [
    'Trained on this version:',
    ...data.runs.map((r) => `run ${r.runName ?? r.runId} (stage ${r.stage}, commit ${short(r.commit)})`),
    ...data.experiments.map((e) => `DVC experiment ${e.name} (stage ${e.stage})`),
    ...models.map((m) => `model ${m}`),
  ];
  return { description: parts.filter(Boolean).join(' · '), tooltip: tooltip.join('\n') };
}
