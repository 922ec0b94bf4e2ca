import { PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';
import type { Logger } from '../core/log.js';
import { interpreterCandidates, probeInterpreter, type InterpreterChoice, type ProbedInterpreter } from '../core/python/interpreter.js';
import { packageList, packagesFor, type PythonAction, type PythonPackage } from '../core/python/packages.js';
import { decideInterpreter, type InterpreterDecision, type ProbedCandidate } from '../core/python/requirements.js';
import type { Shortfall } from '../core/python/requirements.js';
import { affectsConfig, readConfig } from './config.js';
import { Settings } from './constants.js';
import { Disposable } from './dispose.js';

/**
 * What the user is told when an interpreter lacks what an action needs, with a pick and an
 * install (host/runner's InterpreterAdvisor: the install runs as a task, which Python can't reach).
 */
export interface PythonAdvisor {
  explain(folder: vscode.WorkspaceFolder, shortfall: Shortfall, purpose: string, retry?: () => unknown): Promise<void>;
  explainWriteFailure(folder: vscode.WorkspaceFolder, message: string, tooOld: boolean): Promise<void>;
  pick(folder: vscode.WorkspaceFolder | undefined, needs: readonly PythonPackage[]): Promise<boolean>;
  /** Installs (or upgrades) packages into an interpreter as a visible task, after a modal naming both. */
  install(folder: vscode.WorkspaceFolder, probe: ProbedInterpreter, packages: readonly PythonPackage[], options?: { readonly upgrade?: boolean }): Promise<boolean>;
}

export const PYTHON_EXTENSION_ID = 'ms-python.python';

/**
 * The Python that runs MLflow and DVC for a folder: the interpreter selected in the Python
 * extension, else the `mlWorkbench.python` setting (either one when both are set: the first that
 * has what the action needs), else python3 on PATH. Probes are cached per folder and forgotten
 * when the selection or setting changes, and whenever one comes up short (the user may have just
 * installed the package in a terminal). When the interpreter lacks what an action needs, the
 * advisor says so and offers a pick or an install.
 */
export class PythonService extends Disposable {
  private readonly probes = new Map<string, Promise<readonly ProbedCandidate[]>>();
  private api: Promise<PythonExtension | undefined> | undefined;
  private readonly changeEmitter = this.register(new vscode.EventEmitter<void>());
  /** The interpreter choice may have changed (setting, Python extension, an install). */
  readonly onDidChange = this.changeEmitter.event;
  readonly advisor: PythonAdvisor;

  constructor(
    private readonly log: Logger,
    advisor: (python: PythonService) => PythonAdvisor,
  ) {
    super();
    this.advisor = advisor(this);
    this.register(vscode.workspace.onDidChangeConfiguration((e) => affectsConfig(e, Settings.python) && this.forget()));
  }

  /** Drops the cached probes (of one folder, or all) so the next use probes again. */
  forget(folder?: vscode.WorkspaceFolder): void {
    if (folder) this.probes.delete(folder.uri.toString());
    else this.probes.clear();
    this.changeEmitter.fire();
  }

  /** Which interpreter can do what `needs` names for the folder, or what is missing. */
  async decide(folder: vscode.WorkspaceFolder, needs: readonly PythonPackage[], options: { readonly quiet?: boolean } = {}): Promise<InterpreterDecision> {
    const key = folder.uri.toString();
    let probes = this.probes.get(key);
    if (!probes) {
      probes = this.probe(folder);
      this.probes.set(key, probes);
      probes.catch(() => this.probes.delete(key));
    }
    const decision = decideInterpreter(await probes, needs);
    const wanted = needs.length > 0 ? packageList(needs) : 'any Python';
    if (decision.ok) {
      if (!options.quiet) this.log.info(`python for ${folder.name} (${wanted}): ${decision.probe.executable} (mlflow ${decision.probe.mlflowVersion ?? 'none'}, dvc ${decision.probe.packages.dvc ?? 'none'}, from ${decision.candidate.source})`);
    } else {
      const { shortfall } = decision;
      if (!options.quiet) this.log.warn(`python for ${folder.name} (${wanted}): ${shortfall.command} (from ${shortfall.source}) ${shortfall.problem ? `does not start: ${shortfall.problem.detail}` : `lacks ${packageList(shortfall.missing)}`}`);
      if (this.probes.get(key) === probes) this.probes.delete(key);
    }
    return decision;
  }

  /**
   * The interpreter for an action, or undefined after telling the user what is missing (with a
   * pick and an install). `retry` runs the action again once an install or a pick fixed it.
   */
  async ensure(folder: vscode.WorkspaceFolder, action: PythonAction, purpose: string, retry?: () => unknown): Promise<string | undefined> {
    const decision = await this.decide(folder, packagesFor(action));
    if (decision.ok) return decision.probe.executable;
    void this.advisor.explain(folder, decision.shortfall, purpose, retry);
    return undefined;
  }

  /** The first candidate with MLflow (kept for callers that only need MLflow), and every probe. */
  async interpreterFor(folder: vscode.WorkspaceFolder): Promise<InterpreterChoice> {
    const decision = await this.decide(folder, ['mlflow']);
    const probes = (await this.probes.get(folder.uri.toString())) ?? [];
    return { ...(decision.ok ? { chosen: { ...decision.candidate, probe: decision.probe } } : {}), probes: probes.map((c) => c.probe) };
  }

  /** The Python extension's interpreter picker when it is installed, else ours (which writes `mlWorkbench.python`). */
  async selectInterpreter(folder?: vscode.WorkspaceFolder, needs: readonly PythonPackage[] = ['mlflow', 'dvc']): Promise<boolean> {
    if (vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) {
      await vscode.commands.executeCommand('python.setInterpreter');
      this.forget();
      return true;
    }
    return this.advisor.pick(folder, needs);
  }

  private async probe(folder: vscode.WorkspaceFolder): Promise<ProbedCandidate[]> {
    const setting = readConfig(folder).python;
    const candidates = interpreterCandidates({ pythonExtensionPath: await this.selectedInPythonExtension(folder), setting, workspaceFolder: folder.uri.fsPath });
    const probed: ProbedCandidate[] = [];
    for (const candidate of candidates) probed.push({ ...candidate, probe: await probeInterpreter(candidate.command, { cwd: folder.uri.fsPath }) });
    return probed;
  }

  private async selectedInPythonExtension(folder: vscode.WorkspaceFolder): Promise<string | undefined> {
    if (!vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) return undefined;
    this.api ??= PythonExtension.api().then(
      (api) => {
        this.register(api.environments.onDidChangeActiveEnvironmentPath(() => this.forget()));
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
