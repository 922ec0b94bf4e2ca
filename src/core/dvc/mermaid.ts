/**
 * The pipeline as a Mermaid flowchart (what `dvc dag --mermaid` draws: one node per stage, an edge
 * from each upstream stage), with the stages' status as node classes so a renderer colours them.
 */
import type { Stage, StageState } from './entities.js';
import type { Dag } from './status/dag.js';

const CLASS: Record<StageState, string> = {
  'up-to-date': 'fresh',
  changed: 'changed',
  'upstream-changed': 'upstream',
  'never-run': 'never',
};

/** Mermaid node text may not hold `"`; everything else is quoted as is. */
function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

export function pipelineMermaid(stages: readonly Stage[], dag: Dag, states: ReadonlyMap<string, StageState>): string {
  const ids = new Map(dag.order.map((address, i) => [address, `s${i + 1}`]));
  const byAddress = new Map(stages.map((s) => [s.address, s]));
  const lines = ['flowchart TD'];
  for (const address of dag.order) {
    const stage = byAddress.get(address);
    const text = stage?.kind === 'data' ? stage.outs.map((o) => o.repoPath).join(', ') || address : address;
    const shape = stage?.kind === 'data' ? `[(${label(text)})]` : `[${label(text)}]`;
    const state = states.get(address);
    lines.push(`  ${ids.get(address)}${shape}${state ? `:::${CLASS[state]}` : ''}`);
  }
  for (const address of dag.order) {
    for (const parent of dag.upstream.get(address) ?? []) lines.push(`  ${ids.get(parent)} --> ${ids.get(address)}`);
  }
  lines.push(
    '  classDef fresh stroke:#2e7d32,stroke-width:2px',
    '  classDef changed stroke:#e65100,stroke-width:3px',
    '  classDef upstream stroke:#f9a825,stroke-width:2px,stroke-dasharray:4',
    '  classDef never stroke:#757575,stroke-dasharray:2',
  );
  return lines.join('\n');
}
