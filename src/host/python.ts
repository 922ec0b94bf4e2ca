import { PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';
import type { Logger } from '../core/log.js';
import { chooseInterpreter, interpreterCandidates, type InterpreterChoice } from '../core/python/interpreter.js';
import { affectsConfig, openSetting, readConfig } from './config.js';
import { Settings } from './constants.js';
import { Disposable } from './dispose.js';

const PYTHON_EXTENSION_ID = 'ms-python.python';

/**
 * The Python that runs MLflow for a folder: the interpreter selected in the Python extension,
 * else the `mlWorkbench.python` setting, else python3 on PATH — the first of them with MLflow
 * installed. Choices are cached per folder and forgotten when the selection or setting changes.
 */
export class PythonService extends Disposable {
  private readonly choices = new Map<string, Promise<InterpreterChoice>>();
  private api: Promise<PythonExtension | undefined> | undefined;

  constructor(private readonly log: Logger) {
    super();
    this.register(vscode.workspace.onDidChangeConfiguration((e) => affectsConfig(e, Settings.python) && this.choices.clear()));
  }

  async interpreterFor(folder: vscode.WorkspaceFolder): Promise<InterpreterChoice> {
    const key = folder.uri.toString();
    let choice = this.choices.get(key);
    if (!choice) {
      choice = this.choose(folder);
      this.choices.set(key, choice);
      choice.catch(() => this.choices.delete(key));
    }
    return choice;
  }

  /** Opens the Python extension's interpreter picker, or explains how to set one without it. */
  async selectInterpreter(): Promise<void> {
    if (vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) {
      await vscode.commands.executeCommand('python.setInterpreter');
    } else {
      await openSetting(Settings.python);
    }
    this.choices.clear();
  }

  private async choose(folder: vscode.WorkspaceFolder): Promise<InterpreterChoice> {
    const setting = readConfig(folder).python;
    const candidates = interpreterCandidates({ pythonExtensionPath: await this.selectedInPythonExtension(folder), setting, workspaceFolder: folder.uri.fsPath });
    const choice = await chooseInterpreter(candidates, { cwd: folder.uri.fsPath });
    this.log.info(`python for ${folder.name}: ${choice.chosen ? `${choice.chosen.probe.executable} (mlflow ${choice.chosen.probe.mlflowVersion ?? '?'}, from ${choice.chosen.source})` : `none with MLflow among ${candidates.map((c) => c.command).join(', ')}`}`);
    return choice;
  }

  private async selectedInPythonExtension(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
    if (!vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) return undefined;
    this.api ??= PythonExtension.api().then(
      (api) => {
        this.register(api.environments.onDidChangeActiveEnvironmentPath(() => this.choices.clear()));
        return api;
      },
      (error: unknown) => {
        this.log.warn(`the Python extension's API is unavailable: ${(error as Error).message}`);
        return undefined;
      },
    );
    const api = await this.api;
    return api?.environments.getActiveEnvironmentPath(folder.uri)?.path;
  }
}
