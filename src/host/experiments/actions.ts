import { relative } from 'node:path';
import * as vscode from 'vscode';
import { NOTE_TAG, STARRED_TAG, type TableRow } from '../../core/experimentsTable/index.js';
import { Git, type GitRemote } from '../../core/git/index.js';
import { interpreterPath, TASK_TYPE } from '../../core/tasks/definition.js';
import { dvcExperimentCommand, type DvcExperimentAction } from '../../core/tasks/dvcExperiments.js';
import { Commands, TaskTypes } from '../constants.js';
import type { Services } from '../services.js';
import type { ExperimentNotes } from './notes.js';
import { ExperimentsTablePanel, type TablePanelHost } from './tablePanel.js';


export interface ExperimentsFeature {
  readonly services: Services;
  readonly notes: ExperimentNotes;
  readonly host: TablePanelHost;
}

type Grouped = { readonly mlflow: Map<string, TableRow[]>; readonly dvc: Map<string, TableRow[]> };

/** Rows by source kind and place (tracking key or DVC root). */
function group(panel: ExperimentsTablePanel, rows: readonly TableRow[]): Grouped {
  const out: Grouped = { mlflow: new Map(), dvc: new Map() };
  for (const row of rows) {
    const ref = panel.sourceOf(row);
    if (!ref) continue;
    const map = ref.kind === 'mlflow' ? out.mlflow : out.dvc;
    const list = map.get(ref.place);
    if (list) list.push(row);
    else map.set(ref.place, [row]);
  }
  return out;
}

const experimentRows = (rows: readonly TableRow[]): TableRow[] => rows.filter((r) => r.kind === 'experiment');

export async function rowAction(feature: ExperimentsFeature, panel: ExperimentsTablePanel, action: string, rows: readonly TableRow[]): Promise<void> {
  const { mlflow, dvc } = group(panel, rows);
  const [firstStore] = mlflow.entries();
  switch (action) {
    case 'metrics':
    case 'compare': {
      if (!firstStore) return void vscode.window.showInformationMessage(`${action === 'metrics' ? 'Metrics charts' : 'Compare'} work on MLflow runs: select one or more run rows.`);
      const runIds = firstStore[1].map((r) => r.ref);
      if (action === 'compare' && runIds.length < 2) return void vscode.window.showInformationMessage('Compare needs two or more MLflow runs of one store.');
      await vscode.commands.executeCommand(action === 'metrics' ? Commands.openMetrics : Commands.compareRuns, { trackingKey: firstStore[0], runIds });
      return;
    }
    case 'plots':
      return showPlots(dvc, mlflow);
    case 'open':
      if (firstStore) await vscode.commands.executeCommand(Commands.showRun, firstStore[0], firstStore[1][0]!.ref);
      return;
    case 'star':
    case 'unstar':
    case 'note':
      return annotate(feature, panel, action, mlflow, dvc);
    case 'runWithParams':
    case 'queueWithParams':
      // The runner asks for params from the params files, then `dvc exp run [--queue] --set-param …`.
      for (const ref of panel.refs.filter((r) => r.kind === 'dvc')) await runExperiment(feature, ref.place, action === 'queueWithParams');
      return;
    case 'startQueue':
    case 'stopQueue':
      for (const ref of panel.refs.filter((r) => r.kind === 'dvc')) await runDvc(feature, ref.place, action === 'startQueue' ? { kind: 'queueStart', jobs: 1 } : { kind: 'queueStop' });
      return;
    case 'pullFromRemote':
      for (const ref of panel.refs.filter((r) => r.kind === 'dvc')) await pullFromRemote(feature, ref.place);
      return;
    default:
      return dvcAction(feature, action, dvc);
  }
}

async function showPlots(dvc: Map<string, TableRow[]>, mlflow: Map<string, TableRow[]>): Promise<void> {
  const [dvcRoot, dvcRows] = [...dvc.entries()][0] ?? [undefined, []];
  const revisions = dvcRows.filter((r) => r.kind !== 'workspace').map((r) => r.ref);
  if (dvcRows.some((r) => r.kind === 'workspace')) revisions.unshift('workspace');
  const mlflowRunIds = [...mlflow.values()].flat().map((r) => r.ref);
  await vscode.commands.executeCommand(Commands.showPlots, { dvcRoot, revisions, mlflowRunIds });
}

async function annotate(feature: ExperimentsFeature, panel: ExperimentsTablePanel, action: 'star' | 'unstar' | 'note', mlflow: Map<string, TableRow[]>, dvc: Map<string, TableRow[]>): Promise<void> {
  const { services, notes } = feature;
  let note: string | undefined;
  if (action === 'note') {
    const first = [...mlflow.values(), ...dvc.values()].flat()[0];
    if (!first) return;
    const current = first.cells['attributes.note'];
    note = await vscode.window.showInputBox({ title: `Note on ${first.label}`, value: typeof current === 'string' ? current : '', prompt: 'Runs: MLflow\'s note (tag mlflow.note.content). DVC experiments: kept in this workspace\'s storage.' });
    if (note === undefined) return;
  }
  for (const [root, rows] of dvc) {
    for (const row of rows) await notes.set(root, row.ref, action === 'note' ? { note: note! } : { starred: action === 'star' });
    for (const p of ExperimentsTablePanel.forDvcRoot(root)) p.reload();
  }
  for (const [key, rows] of mlflow) {
    const tracking = services.tracking.folders.find((f) => f.key === key);
    if (!tracking) continue;
    await services.writes.run(tracking, action === 'note' ? 'Saving the note…' : `${action === 'star' ? 'Starring' : 'Unstarring'} ${rows.length} run(s)…`, async (writer, signal) => {
      for (const row of rows) {
        if (action === 'note') await writer.setRunTag(row.ref, NOTE_TAG, note!, { signal });
        else if (action === 'star') await writer.setRunTag(row.ref, STARRED_TAG, 'true', { signal });
        else await writer.deleteRunTag(row.ref, STARRED_TAG, { signal }).catch(() => undefined);
      }
    });
  }
  panel.reload();
}

async function dvcAction(feature: ExperimentsFeature, action: string, dvc: Map<string, TableRow[]>): Promise<void> {
  const [root, all] = [...dvc.entries()][0] ?? [undefined, []];
  if (!root) return void vscode.window.showInformationMessage('This action works on DVC experiments: select experiment rows.');
  const rows = experimentRows(all);
  const names = rows.map((r) => r.name || r.ref);
  if (rows.length === 0) return void vscode.window.showInformationMessage('Select one or more DVC experiments (not a baseline or the workspace).');
  switch (action) {
    case 'apply': {
      const answer = await vscode.window.showWarningMessage(`Apply experiment "${names[0]}" to the workspace? Its params, metrics and outputs replace the workspace's (uncommitted changes to them are overwritten).`, { modal: true }, 'Apply');
      if (answer === 'Apply') await runDvc(feature, root, { kind: 'apply', rev: names[0]! });
      return;
    }
    case 'branch': {
      const branch = await vscode.window.showInputBox({ title: `Branch from experiment ${names[0]}`, prompt: 'Name of the new git branch', validateInput: (v) => (/^[\w./-]+$/.test(v) && !v.startsWith('-') ? undefined : 'Letters, digits, . _ / - and not starting with -') });
      if (branch) await runDvc(feature, root, { kind: 'branch', rev: names[0]!, branch });
      return;
    }
    case 'remove': {
      const answer = await vscode.window.showWarningMessage(`Remove ${rows.length === 1 ? `experiment "${names[0]}"` : `${rows.length} experiments`}? Queued ones leave the queue; finished ones lose their git ref (an experiment pushed to a remote can be pulled back).`, { modal: true }, 'Remove');
      if (answer === 'Remove') await runDvc(feature, root, { kind: 'remove', revs: names });
      return;
    }
    case 'stop':
      return runDvc(feature, root, { kind: 'kill', revs: names });
    case 'logs':
      return runDvc(feature, root, { kind: 'logs', rev: names[0]! });
    case 'push': {
      const remote = await pickGitRemote(root, `Push ${rows.length === 1 ? `experiment "${names[0]}"` : `${rows.length} experiments`} to a Git remote`);
      if (remote) await runDvc(feature, root, { kind: 'push', remote, revs: names });
      return;
    }
  }
}

/** `dvc exp pull REMOTE [--all-commits]`: experiments the remote has and this clone has not (a teammate's, or one removed here after a push). */
async function pullFromRemote(feature: ExperimentsFeature, root: string): Promise<void> {
  const remote = await pickGitRemote(root, 'Pull experiments from a Git remote');
  if (!remote) return;
  const scope = await vscode.window.showQuickPick(
    [
      { label: 'Experiments of HEAD', description: 'dvc exp pull', detail: 'Those whose baseline is the commit checked out now.', allCommits: false },
      { label: 'Experiments of every commit', description: 'dvc exp pull --all-commits', detail: 'Every experiment the remote has, whatever its baseline.', allCommits: true },
    ],
    { title: `Pull experiments from ${remote}`, placeHolder: 'Which experiments?' },
  );
  if (scope) await runDvc(feature, root, { kind: 'pull', remote, allCommits: scope.allCommits });
}

/**
 * A git remote of the repository at `root` (`git remote -v`, name and URL shown), or a Git URL
 * typed in. Undefined when dismissed. A value starting with `-` is refused (it would read as an option).
 */
async function pickGitRemote(root: string, title: string): Promise<string | undefined> {
  const remotes: readonly GitRemote[] = await new Git(root).remotes().catch(() => []);
  type Item = vscode.QuickPickItem & { readonly remote: string };
  const known: Item[] = remotes.map((r) => ({ label: r.name, description: r.url, iconPath: new vscode.ThemeIcon('repo'), remote: r.name }));
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = title;
  pick.placeholder = remotes.length > 0 ? 'A git remote of this repository, or type a Git URL' : 'This repository has no git remote: type a Git URL (or add a remote with git remote add)';
  pick.items = known;
  pick.onDidChangeValue((value) => {
    const typed = value.trim();
    const other = typed && !typed.startsWith('-') && !known.some((k) => k.remote === typed) ? [{ label: typed, description: 'a Git URL or remote name', iconPath: new vscode.ThemeIcon('link'), alwaysShow: true, remote: typed }] : [];
    pick.items = [...other, ...known];
  });
  try {
    return await new Promise<string | undefined>((resolve) => {
      pick.onDidAccept(() => resolve(pick.selectedItems[0]?.remote));
      pick.onDidHide(() => resolve(undefined));
      pick.show();
    });
  } finally {
    pick.dispose();
  }
}

async function runExperiment({ services }: ExperimentsFeature, root: string, queue: boolean): Promise<void> {
  if (!vscode.workspace.isTrusted) return void vscode.window.showWarningMessage('Running an experiment runs the project\'s code, which Restricted Mode does not allow. Trust this workspace to run it.');
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(root));
  if (!folder) throw new Error(`${root} is not in this workspace.`);
  await services.tasks.run({ type: TASK_TYPE, task: 'dvcExpRun', cwd: relative(folder.uri.fsPath, root) || '.', ...(queue ? { queue: true } : {}) }, folder);
}

/** One DVC command as a visible task (argv; refused in Restricted Mode by the runner), then the table refreshes. */
async function runDvc(feature: ExperimentsFeature, root: string, action: DvcExperimentAction): Promise<void> {
  const { services } = feature;
  await services.dvc.ensureStarted();
  const project = services.dvc.projects.find((p) => p.root === root);
  const folder = project?.folder.workspaceFolder ?? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(root));
  if (!folder) throw new Error(`${root} is not in this workspace.`);
  const python = await services.tasks.interpreter(folder, 'dvc-command', 'DVC experiment actions');
  const spec = dvcExperimentCommand({ python, cwd: root, env: interpreterPath(python, process.env['PATH']) }, action);
  const outcome = await services.tasks.runStep(spec, folder, { type: TaskTypes.dvc, command: spec.label });
  if (outcome.exitCode !== 0 && !outcome.stopped && action.kind !== 'logs') void vscode.window.showErrorMessage(`${spec.label} failed (exit code ${outcome.exitCode ?? 'unknown'}): its terminal says why.`);
  for (const panel of ExperimentsTablePanel.forDvcRoot(root)) panel.reload();
}
