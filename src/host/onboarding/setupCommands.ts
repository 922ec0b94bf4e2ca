import { join } from 'node:path';
import * as vscode from 'vscode';
import { createLocalStore, dvcInit, dvcRemoteAddDefault, gitInit, remoteNameProblem, remoteUrlProblem } from '../../core/onboarding/commands.js';
import { projectState, remoteNames } from '../../core/onboarding/projectState.js';
import { packageList, packagesFor } from '../../core/python/packages.js';
import { shlexQuote, type TaskSpec } from '../../core/tasks/index.js';
import { parseTrackingUri } from '../../core/tracking/uri.js';
import type { CommandTable } from '../commands.js';
import { updateSetting } from '../config.js';
import { Commands, EXTENSION_ID, Settings, WALKTHROUGH_ID } from '../constants.js';
import { runSteps } from '../runner/steps.js';
import { checkTrust } from '../trust.js';
import type { OnboardingFeature } from './feature.js';

const LOCAL_STORE = 'sqlite:///mlflow.db';

/** The folder a setup step is for: the only one, else the one the user picks; undefined (after saying why) when none is open. */
export async function setupFolder(what: string): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    const action = await vscode.window.showInformationMessage(`${what} needs a folder: open an empty folder for a new project, or the folder of an existing one.`, 'Open Folder…');
    if (action) await vscode.commands.executeCommand('workbench.action.files.openFolder');
    return undefined;
  }
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: `${what}: in which folder?` });
}

const commandLine = (spec: TaskSpec): string => [spec.command, ...spec.args].map(shlexQuote).join(' ');

/**
 * The walkthrough's steps as commands: pick the interpreter, install MLflow and DVC into it, git
 * init, dvc init, set up the tracking store (a local SQLite store made by MLflow, or a server
 * with its credentials), add a default DVC remote, open the walkthrough. Everything that runs a
 * program asks first (or is the user's explicit click), runs as a visible task, and refuses in
 * Restricted Mode.
 */
export const setupCommands: CommandTable<OnboardingFeature> = {
  [Commands.selectInterpreter]: selectInterpreter,
  [Commands.installPythonPackages]: installPackages,
  [Commands.initGit]: initGit,
  [Commands.initDvc]: initDvc,
  [Commands.setUpTrackingStore]: setUpTrackingStore,
  [Commands.addDvcRemote]: addDvcRemote,
  [Commands.openWalkthrough]: openWalkthrough,
};

async function selectInterpreter({ services }: OnboardingFeature): Promise<void> {
  const folder = await setupFolder('Selecting a Python interpreter');
  if (folder) await services.python.selectInterpreter(folder, packagesFor('walkthrough'));
}

async function openWalkthrough(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#${WALKTHROUGH_ID}`, false);
}

async function installPackages({ services: { python } }: OnboardingFeature): Promise<void> {
  if (!checkTrust('Installing MLflow and DVC')) return;
  const folder = await setupFolder('Installing MLflow and DVC');
  if (!folder) return;
  const needs = packagesFor('walkthrough');
  const decision = await python.decide(folder, needs);
  if (decision.ok) {
    void vscode.window.showInformationMessage(`${decision.probe.executable} already has MLflow ${decision.probe.packages.mlflow} and DVC ${decision.probe.packages.dvc}.`);
    return;
  }
  const { shortfall } = decision;
  if (!shortfall.probe) return python.advisor.explain(folder, shortfall, 'Tracking runs and running pipelines');
  if (await python.advisor.install(folder, shortfall.probe, shortfall.missing)) {
    const after = await python.decide(folder, needs);
    if (after.ok) void vscode.window.showInformationMessage(`${packageList(needs)} are installed in ${after.probe.executable}.`);
  }
}

async function initGit(context: OnboardingFeature): Promise<void> {
  if (!checkTrust('Initializing a git repository')) return;
  const folder = await setupFolder('Initializing a git repository');
  if (!folder) return;
  const state = await projectState(folder.uri.fsPath);
  if (state.gitRoot) {
    void vscode.window.showInformationMessage(`${folder.name} is already in a git repository (${state.gitRoot}).`);
    return;
  }
  const step = gitInit(folder.uri.fsPath);
  const answer = await vscode.window.showInformationMessage(`Initialize a git repository in ${folder.uri.fsPath}?`, { modal: true, detail: `Runs: ${commandLine(step)}\nDVC versions data and pipelines through git commits.` }, 'Initialize');
  if (answer !== 'Initialize') return;
  await runSteps(context.services.tasks, folder, [step]);
  context.walkthrough.schedule();
}

async function initDvc(context: OnboardingFeature): Promise<void> {
  if (!checkTrust('Initializing DVC')) return;
  const folder = await setupFolder('Initializing DVC');
  if (!folder) return;
  const root = folder.uri.fsPath;
  const state = await projectState(root);
  if (state.dvcRoot) {
    void vscode.window.showInformationMessage(`${folder.name} is already a DVC project (${state.dvcRoot}).`);
    return;
  }
  const pythonPath = await context.services.tasks.interpreter(folder, 'dvc-command', 'Initializing DVC');
  const steps = [...(state.gitRoot ? [] : [gitInit(root)]), dvcInit(pythonPath, root, state.gitRoot)];
  const answer = await vscode.window.showInformationMessage(
    `Initialize DVC in ${root}?`,
    { modal: true, detail: `Runs:\n${steps.map(commandLine).join('\n')}\n${state.gitRoot ? '' : 'DVC keeps its records in git, so the folder becomes a git repository first.'}`.trim() },
    'Initialize',
  );
  if (answer !== 'Initialize') return;
  await runSteps(context.services.tasks, folder, steps, pythonPath);
  context.walkthrough.schedule();
}

async function setUpTrackingStore(context: OnboardingFeature): Promise<void> {
  const folder = await setupFolder('Setting up the tracking store');
  if (!folder) return;
  const items: (vscode.QuickPickItem & { readonly choice: 'local' | 'server' | 'other' })[] = [
    { label: '$(database) Local SQLite store', description: 'mlflow.db in this folder', detail: 'MLflow creates it (runs MLflow in the selected interpreter); runs and models stay on this machine.', choice: 'local' },
    { label: '$(server) Tracking server…', description: 'http(s)://host:port', detail: "A shared MLflow server; asks for a user name and password if it wants them (kept in VS Code's secret storage).", choice: 'server' },
    { label: '$(list-selection) Stores found in this folder, recent servers…', description: 'Select Tracking Store', choice: 'other' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: `Tracking Store for ${folder.name}`, placeHolder: 'Where MLflow keeps runs and models' });
  if (!pick) return;
  if (pick.choice === 'other') return void (await vscode.commands.executeCommand(Commands.selectTrackingStore));
  if (pick.choice === 'local') return createLocal(context, folder);
  await connectServer(context, folder);
}

async function createLocal(context: OnboardingFeature, folder: vscode.WorkspaceFolder): Promise<void> {
  if (!checkTrust('Creating a local MLflow store')) return;
  const pythonPath = await context.services.python.ensure(folder, 'create-store', 'Creating a local MLflow store', () => createLocal(context, folder));
  if (!pythonPath) return;
  const step = createLocalStore(pythonPath, folder.uri.fsPath, `sqlite:///${join(folder.uri.fsPath, 'mlflow.db')}`);
  if (!(await runSteps(context.services.tasks, folder, [step], pythonPath))) return;
  await updateSetting(Settings.trackingUri, LOCAL_STORE, { folder });
  context.services.tracking.reload();
  context.walkthrough.schedule();
  void vscode.window.showInformationMessage(`Runs of ${folder.name} go to ${LOCAL_STORE} (mlWorkbench.trackingUri). Training scripts log there when they use MLflow's default or the task's MLFLOW_TRACKING_URI.`);
}

async function connectServer(context: OnboardingFeature, folder: vscode.WorkspaceFolder): Promise<void> {
  const url = await vscode.window.showInputBox({
    title: 'MLflow tracking server',
    placeHolder: 'https://mlflow.example.com or http://127.0.0.1:5000',
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (!/^https?:\/\//i.test(value.trim())) return 'An http:// or https:// URL';
      try {
        parseTrackingUri(value.trim(), folder.uri.fsPath);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
  if (!url) return;
  const uri = url.trim().replace(/\/+$/, '');
  await updateSetting(Settings.trackingUri, uri, { folder });
  context.services.tracking.reload();
  const tracking = context.services.tracking.folders.find((f) => f.folder.uri.toString() === folder.uri.toString());
  if (tracking?.state.kind !== 'ready') throw new Error(`${uri} is not a usable tracking URI${tracking?.state.kind === 'error' ? `: ${tracking.state.message}` : ''}.`);
  const store = tracking.state.store;
  // The first read asks for credentials when the server answers 401 (and saves them in secret storage).
  const experiments = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Connecting to ${uri}…` }, () => store.searchExperiments({ maxResults: 100 }));
  context.walkthrough.allowServer(store.uri);
  void vscode.window.showInformationMessage(`Connected to ${uri}: ${experiments.items.length}${experiments.nextPageToken ? '+' : ''} experiment${experiments.items.length === 1 ? '' : 's'}. The Runs view reads it now.`);
}

async function addDvcRemote(context: OnboardingFeature): Promise<void> {
  if (!checkTrust('Adding a DVC remote')) return;
  const folder = await setupFolder('Adding a DVC remote');
  if (!folder) return;
  const state = await projectState(folder.uri.fsPath);
  if (!state.dvcRoot) {
    const action = await vscode.window.showWarningMessage(`${folder.name} is not a DVC project yet: initialize DVC first.`, 'Initialize DVC');
    if (action) await vscode.commands.executeCommand(Commands.initDvc);
    return;
  }
  const url = await vscode.window.showInputBox({
    title: 'DVC remote: where data and models are pushed',
    placeHolder: 's3://bucket/path, gs://bucket/path, azure://container/path, ssh://host/path, /mnt/shared/dvc-storage',
    prompt: 'Credentials stay out of the project: DVC reads them from the environment (AWS_ACCESS_KEY_ID…) or `dvc remote modify --local`.',
    ignoreFocusOut: true,
    validateInput: remoteUrlProblem,
  });
  if (!url) return;
  const existing = await remoteNames(state.dvcRoot);
  const name = await vscode.window.showInputBox({ title: 'Name of the remote', value: existing.includes('storage') ? '' : 'storage', validateInput: remoteNameProblem });
  if (!name) return;
  const pythonPath = await context.services.tasks.interpreter(folder, 'dvc-command', 'Adding a DVC remote');
  const replace = existing.includes(name);
  const step = dvcRemoteAddDefault(pythonPath, state.dvcRoot, name, url, { replace });
  const detail = `Runs: ${commandLine(step)}\n${replace ? `This replaces the URL of the existing remote "${name}". ` : ''}It becomes the default remote: dvc push and dvc pull use it. The setting goes to .dvc/config (commit it to share it).`;
  const answer = await vscode.window.showInformationMessage(`Add ${url.trim()} as the default DVC remote "${name}"?`, { modal: true, detail }, replace ? 'Replace' : 'Add Remote');
  if (!answer) return;
  await runSteps(context.services.tasks, folder, [step], pythonPath);
  context.walkthrough.schedule();
}
