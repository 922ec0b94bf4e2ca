import type * as vscode from 'vscode';
import { formatRelativeTime } from '../../core/format.js';
import type { Experiment, Run } from '../../core/tracking/entities.js';
import { runDisplayName } from '../../core/tracking/runTree.js';
import { storeOf } from '../../core/tracking/storeState.js';
import type { FolderTracking, TrackingService } from '../tracking/trackingService.js';

export interface RunPick extends vscode.QuickPickItem {
  readonly tracking: FolderTracking;
  readonly run: Run;
  readonly experiment?: Experiment;
}

/** Every run of every open store, as quick-pick items (name; experiment and status; id and age). */
export async function pickableRuns(tracking: TrackingService): Promise<RunPick[]> {
  const stores = tracking.folders.flatMap((folder) => {
    const store = storeOf(folder);
    return store ? [{ folder, store }] : [];
  });
  if (stores.length === 0) throw new Error('No MLflow tracking store is open in this workspace. Use "ML Workbench: Select Tracking Store…".');
  const now = Date.now();
  const picks = await Promise.all(
    stores.map(async ({ folder, store }) => {
      const experiments = (await store.searchExperiments()).items;
      const byId = new Map(experiments.map((e) => [e.experiment_id, e]));
      const runs = (await store.searchRuns({ experimentIds: experiments.map((e) => e.experiment_id) })).items;
      return runs.map((run): RunPick => {
        const experiment = byId.get(run.info.experiment_id);
        return {
          tracking: folder,
          run,
          experiment,
          label: runDisplayName(run),
          description: `${experiment?.name ?? run.info.experiment_id} · ${run.info.status.toLowerCase()}${stores.length > 1 ? ` · ${folder.folder.name}` : ''}`,
          detail: run.info.start_time ? `${run.info.run_id} · ${formatRelativeTime(run.info.start_time, now)}` : run.info.run_id,
        };
      });
    }),
  );
  return picks.flat();
}
