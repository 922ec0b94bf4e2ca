import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { interpreterOptions, type InterpreterOption } from '../../core/python/choices.js';
import { discoverInterpreters, type DiscoveredInterpreter } from '../../core/python/discovery.js';
import { interpreterCandidates, probeInterpreter, type ProbeResult } from '../../core/python/interpreter.js';
import { packageList, type PythonPackage } from '../../core/python/packages.js';
import { readConfig, updateSetting } from '../config.js';
import { Settings } from '../constants.js';
import type { PythonService } from '../python.js';

interface Item extends vscode.QuickPickItem {
  readonly option?: InterpreterOption;
  readonly action?: 'enter' | 'browse';
}

/** Interpreters probed at once: each is a short Python start. */
const PROBE_CONCURRENCY = 4;

const ENTER: Item = { label: '$(edit) Enter interpreter path…', description: 'a python executable, ~ and ${workspaceFolder} allowed', action: 'enter', alwaysShow: true };
const BROWSE: Item = { label: '$(folder-opened) Find…', description: 'browse for a python executable', action: 'browse', alwaysShow: true };

/**
 * ML Workbench's own interpreter pick, for when the Python extension is not installed: the
 * interpreters found on the machine (core/python/discovery), each probed for MLflow and DVC, ready
 * ones first; the choice goes to the folder's `mlWorkbench.python` setting. Nothing is run in
 * Restricted Mode (a workspace venv is workspace code).
 */
export async function pickInterpreter(python: PythonService, log: Logger, given: vscode.WorkspaceFolder | undefined, needs: readonly PythonPackage[]): Promise<boolean> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Finding Python interpreters runs them (a workspace\'s .venv too), which Restricted Mode does not allow. Trust the workspace to pick one.', 'Manage Workspace Trust').then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
    return false;
  }
  const folder = given ?? (await pickFolder());
  if (!folder) return false;
  const setting = readConfig(folder).python;
  const current = interpreterCandidates({ setting, workspaceFolder: folder.uri.fsPath }).map((c) => c.command);
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = `Python Interpreter for ${folder.name}`;
  pick.placeholder = `Looking for interpreters… (${packageList(needs)} needed)`;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.busy = true;
  pick.items = [ENTER, BROWSE];
  pick.show();
  const chosen = new Promise<Item | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems[0]));
    pick.onDidHide(() => resolve(undefined));
  });
  void fill(pick, folder, needs, current, log);
  const item = await chosen;
  pick.dispose();
  if (!item) return false;
  const value = item.option ? item.option.setting : item.action === 'enter' ? await enterPath(folder) : await browse(folder);
  if (!value) return false;
  await updateSetting(Settings.python, value, { folder });
  log.info(`mlWorkbench.python of ${folder.name} set to ${value}`);
  python.forget(folder);
  return true;
}

async function fill(pick: vscode.QuickPick<Item>, folder: vscode.WorkspaceFolder, needs: readonly PythonPackage[], current: readonly string[], log: Logger): Promise<void> {
  const context = { needs, workspaceFolder: folder.uri.fsPath, home: homedir(), current };
  try {
    const found = await discoverInterpreters({ workspaceFolders: [folder.uri.fsPath], env: process.env, home: homedir() });
    const probes = await probeAll(found, folder.uri.fsPath);
    const options = interpreterOptions(found, probes, context);
    log.info(`interpreters found for ${folder.name}: ${options.map((o) => `${o.interpreter.path} [${o.detail}]`).join('; ') || 'none'}`);
    const ready = options.filter((o) => o.ready);
    const others = options.filter((o) => !o.ready);
    const toItem = (option: InterpreterOption): Item => ({ label: option.label, description: option.description, detail: option.detail, option });
    pick.items = [
      ...(ready.length > 0 ? [{ label: `Has ${packageList(needs)}`, kind: vscode.QuickPickItemKind.Separator }, ...ready.map(toItem)] : []),
      ...(others.length > 0 ? [{ label: ready.length > 0 ? 'Others' : `None has ${packageList(needs)}`, kind: vscode.QuickPickItemKind.Separator }, ...others.map(toItem)] : []),
      { label: '', kind: vscode.QuickPickItemKind.Separator },
      ENTER,
      BROWSE,
    ];
    pick.placeholder = ready.length > 0 ? `Select the Python that runs MLflow and DVC for ${folder.name}` : `No interpreter found has ${packageList(needs)}: pick one to install them into, or enter a path`;
  } catch (error) {
    log.warn(`looking for interpreters failed: ${(error as Error).message}`);
    pick.placeholder = 'Could not look for interpreters: enter a path instead';
  } finally {
    pick.busy = false;
  }
}

async function probeAll(found: readonly DiscoveredInterpreter[], cwd: string): Promise<Map<string, ProbeResult>> {
  const probes = new Map<string, ProbeResult>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < found.length) {
      const interpreter = found[next++]!;
      probes.set(interpreter.path, await probeInterpreter(interpreter.path, { cwd, timeoutMs: 15_000 }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROBE_CONCURRENCY, found.length) }, worker));
  return probes;
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) {
    if (!folders[0]) void vscode.window.showInformationMessage('Open a folder first: the interpreter is chosen per workspace folder.');
    return folders[0];
  }
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'The folder whose Python interpreter to set' });
}

async function enterPath(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
  const value = await vscode.window.showInputBox({
    title: `Python interpreter for ${folder.name}`,
    placeHolder: '/path/to/venv/bin/python, ${workspaceFolder}/.venv/bin/python, ~/miniconda3/envs/ml/bin/python',
    validateInput: (text) => (text.trim() ? undefined : 'Enter the path of a python executable'),
  });
  return value?.trim() || undefined;
}

async function browse(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
  const [file] = (await vscode.window.showOpenDialog({ title: `Python interpreter for ${folder.name}`, defaultUri: folder.uri, canSelectMany: false, canSelectFolders: false, openLabel: 'Use This Interpreter' })) ?? [];
  return file?.fsPath;
}
