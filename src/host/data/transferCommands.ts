import * as vscode from 'vscode';
import { pullWouldReplace } from '../../core/dvc/remote/badges.js';
import { dvcFetch, dvcPull, dvcPush, interpreterPath, type TaskSpec } from '../../core/tasks/index.js';
import type { CommandTable } from '../commands.js';
import { Commands, TaskTypes } from '../constants.js';
import type { Project } from '../dvc/projects.js';
import { checkTrust, Refused } from '../trust.js';
import type { DataFeature } from './dataCommands.js';
import type { RemoteStatusTracker } from './remoteStatus.js';
import type { DataElement } from './treeNodes.js';

export interface TransferFeature extends DataFeature {
  readonly remote: RemoteStatusTracker;
}

type Transfer = 'push' | 'pull' | 'fetch';

export const transferCommands: CommandTable<TransferFeature> = {
  [Commands.pushData]: (feature, element?: DataElement) => transfer(feature, 'push', element),
  [Commands.pullData]: (feature, element?: DataElement) => transfer(feature, 'pull', element),
  [Commands.fetchData]: (feature, element?: DataElement) => transfer(feature, 'fetch', element),
};

const VERBS: Record<Transfer, { title: string; ing: string; to: string }> = {
  push: { title: 'Push', ing: 'Pushing', to: 'to the DVC remote' },
  pull: { title: 'Pull', ing: 'Pulling', to: 'from the DVC remote' },
  fetch: { title: 'Fetch', ing: 'Fetching', to: 'from the DVC remote into the cache' },
};

/**
 * `dvc push|pull|fetch [path]` as a task (argv, the folder's interpreter, trust-gated), with a
 * cancellable progress notification while it runs; the remote status and the project are read
 * again when it ends. Credentials are DVC's config and the environment's: nothing is passed.
 */
async function transfer(feature: TransferFeature, kind: Transfer, element?: DataElement): Promise<void> {
  const target = element?.kind === 'tracked' ? element : undefined;
  const project = target?.project ?? (await pickProject(feature, kind));
  if (!project) return;
  const verb = VERBS[kind];
  const what = target ? target.data.repoPath : 'all tracked data';
  if (!checkTrust(`${verb.title} of ${what}`)) return;
  let force = false;
  if (kind === 'pull') {
    const data = target ? [target.data] : (project.inspection?.data ?? []);
    const replaced = pullWouldReplace(data);
    if (replaced.length > 0) {
      const detail = `${replaced.slice(0, 5).join(', ')}${replaced.length > 5 ? ` and ${replaced.length - 5} more` : ''} changed in the workspace since recorded. Pull replaces ${replaced.length === 1 ? 'it' : 'them'} with the recorded version (dvc pull --force); the changes are lost unless committed to the cache (dvc add / dvc commit).`;
      const choice = await vscode.window.showWarningMessage(`Pull over modified data?`, { modal: true, detail }, 'Pull and Replace');
      if (choice !== 'Pull and Replace') return;
      force = true;
    }
  }
  const folder = project.folder.workspaceFolder;
  const python = await feature.services.tasks.interpreter(folder, 'dvc-command', `${verb.title} of DVC data`);
  // DVC draws its transfer bars only on a TTY; the task's terminal is one to the user (dvc/progress.py).
  const env = { ...interpreterPath(python, process.env['PATH']), DVC_IGNORE_ISATTY: 'true' };
  const options = { python, cwd: project.root, env, ...(target ? { targets: [target.data.repoPath] } : {}) };
  const spec: TaskSpec = kind === 'push' ? dvcPush(options) : kind === 'pull' ? dvcPull({ ...options, force }) : dvcFetch(options);
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${verb.ing} ${what} ${verb.to}`, cancellable: true },
    async (progress, token) => {
      progress.report({ message: `dvc ${kind} (see its terminal)` });
      return feature.services.tasks.runStep(spec, folder, { type: TaskTypes.dvc, command: kind, ...(target ? { file: target.data.repoPath } : {}) }, token);
    },
  );
  feature.remote.invalidate(project, 0);
  project.schedule();
  if (outcome.stopped) throw new Refused();
  if (outcome.exitCode !== 0) throw new Error(`${spec.label} failed (exit code ${outcome.exitCode ?? 'unknown'}): see its terminal.`);
  void vscode.window.setStatusBarMessage(`$(check) ${spec.label} done`, 5_000);
}

async function pickProject({ services }: TransferFeature, kind: Transfer): Promise<Project | undefined> {
  await services.dvc.ensureStarted();
  const projects = services.dvc.projects;
  if (projects.length === 0) throw new Error('No DVC project in this workspace (no .dvc folder).');
  if (projects.length === 1) return projects[0];
  const picked = await vscode.window.showQuickPick(
    projects.map((project) => ({ label: project.label, description: project.root, project })),
    { title: `${VERBS[kind].title} all tracked data of…` },
  );
  return picked?.project;
}
