/**
 * Re-checking only what a change can reach. A stage's verdict depends on its own definition, its
 * lock record and the files it names; when none of those changed since the last run, the last
 * verdict stands, and the hashing (even the `stat` calls) for its deps and outs is skipped. The
 * caller says which stages a change reached (watchPaths.affectedStages); a stage whose definition
 * or record differs from the last run's is decided again whatever the caller says.
 */
import type { RepoStatus, Stage, StageStatus } from '../entities.js';
import type { StageVerdict } from './stageStatus.js';

export interface StatusReuse {
  /** The last run's status and the stages it was computed for. */
  readonly previous: RepoStatus;
  readonly previousStages: readonly Stage[];
  /** Stages a change may have reached: decided again. */
  readonly recheck: ReadonlySet<string>;
}

/** Verdicts of the last run that still hold, by stage address. */
export function reusableVerdicts(stages: readonly Stage[], reuse: StatusReuse): Map<string, StageVerdict> {
  const before = new Map(reuse.previousStages.map((s) => [s.address, s]));
  const statusBy = new Map(reuse.previous.stages.map((s) => [s.address, s]));
  const out = new Map<string, StageVerdict>();
  for (const stage of stages) {
    const old = before.get(stage.address);
    const status = statusBy.get(stage.address);
    if (reuse.recheck.has(stage.address) || !old || !status || !sameDefinition(old, stage)) continue;
    out.set(stage.address, verdictOf(status));
  }
  return out;
}

function verdictOf(status: StageStatus): StageVerdict {
  return {
    changedDeps: [...status.changedDeps],
    changedParams: [...status.changedParams],
    changedOuts: [...status.changedOuts],
    commandChanged: status.commandChanged,
    checksumChanged: status.reasons.includes('stage checksum changed'),
    alwaysChanged: status.alwaysChanged,
    json: [...(status.dvcJson ?? [])],
  };
}

/** Same definition and record (parsed stages are plain data; the lock holds Maps and bigints). */
export function sameDefinition(a: Stage, b: Stage): boolean {
  if (a === b) return true;
  const text = (stage: Stage): string => JSON.stringify(stage, (_key, value: unknown) => (value instanceof Map ? [...value] : typeof value === 'bigint' ? `${value}n` : value));
  return text(a) === text(b);
}
