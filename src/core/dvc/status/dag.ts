/**
 * The pipeline graph as dvc/repo/graph.py builds it: a stage depends on another when one of its
 * deps is one of the other's outs, lies inside it, or contains it.
 */
import { sep } from 'node:path';
import type { Stage } from '../entities.js';

export interface Dag {
  /** Direct upstream stages (by address). */
  readonly upstream: ReadonlyMap<string, readonly string[]>;
  /** Stage addresses in an order where every stage comes after its upstream ones. */
  readonly order: readonly string[];
}

function overlaps(a: string, b: string): boolean {
  return a === b || a.startsWith(b + sep) || b.startsWith(a + sep);
}

export function buildDag(stages: readonly Stage[]): Dag {
  const upstream = new Map<string, string[]>();
  for (const stage of stages) {
    const inputs = [...stage.deps.map((d) => d.absPath), ...stage.params.map((p) => p.absPath)];
    const parents = stages.filter((other) => other !== stage && other.outs.some((o) => inputs.some((i) => overlaps(i, o.absPath))));
    upstream.set(stage.address, parents.map((p) => p.address));
  }
  return { upstream, order: topologicalOrder(stages.map((s) => s.address), upstream) };
}

function topologicalOrder(addresses: readonly string[], upstream: ReadonlyMap<string, readonly string[]>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (address: string): void => {
    if (state.get(address)) return;
    state.set(address, 'visiting');
    for (const parent of upstream.get(address) ?? []) visit(parent);
    state.set(address, 'done');
    order.push(address);
  };
  addresses.forEach(visit);
  return order;
}

/** For each stage, the changed stages upstream of it (transitively), in DAG order. */
export function changedUpstream(dag: Dag, changed: ReadonlySet<string>): Map<string, string[]> {
  const memo = new Map<string, Set<string>>();
  const ancestors = (address: string): Set<string> => {
    const known = memo.get(address);
    if (known) return known;
    const found = new Set<string>();
    memo.set(address, found);
    for (const parent of dag.upstream.get(address) ?? []) {
      if (changed.has(parent)) found.add(parent);
      for (const a of ancestors(parent)) found.add(a);
    }
    return found;
  };
  const rank = new Map(dag.order.map((a, i) => [a, i]));
  return new Map(dag.order.map((a) => [a, [...ancestors(a)].sort((x, y) => rank.get(x)! - rank.get(y)!)]));
}
