import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import type { ProbedInterpreter } from '../../core/python/interpreter.js';
import { packageList, type PythonPackage } from '../../core/python/packages.js';
import { installPlan, shortfallMessage, venvPlan, type InstallStep, type Shortfall } from '../../core/python/requirements.js';
import { shlexQuote, type TaskSpec } from '../../core/tasks/index.js';
import { updateSetting } from '../config.js';
import { Settings } from '../constants.js';
import type { PythonAdvisor, PythonService } from '../python.js';
import { pickInterpreter } from './interpreterPicker.js';
import type { TaskRunner } from './runner.js';
import { runSteps } from './steps.js';

const SELECT = 'Select Interpreter…';
const TRY_AGAIN = 'Try Again';

/**
 * No dead ends around Python: when the interpreter lacks what an action needs, the message names
 * the interpreter and the missing packages and offers (a) another interpreter (the Python
 * extension's picker, else ours) and (b) installing the packages into this one, as a visible task,
 * after a modal that names both. A fix is followed by the action itself (after a pick) or an offer
 * to run it again (after an install, which takes a while).
 */
export class InterpreterAdvisor implements PythonAdvisor {
  constructor(
    private readonly python: PythonService,
    private readonly log: Logger,
    /** The task runner, made after Python (its installs run as its steps). */
    private readonly runner: () => TaskRunner,
  ) {}

  async explain(folder: vscode.WorkspaceFolder, shortfall: Shortfall, purpose: string, retry?: () => unknown): Promise<void> {
    const message = shortfallMessage(shortfall, purpose);
    const install = shortfall.probe && shortfall.missing.length > 0 ? `Install ${packageList(shortfall.missing)}…` : undefined;
    const action = await vscode.window.showErrorMessage(message, ...[SELECT, ...(install ? [install] : [])]);
    if (action === SELECT) {
      const picked = await this.python.selectInterpreter(folder, shortfall.needs);
      if (picked && retry && (await this.python.decide(folder, shortfall.needs)).ok) await retry();
    } else if (action && action === install && shortfall.probe) {
      const installed = await this.install(folder, shortfall.probe, shortfall.missing);
      if (installed) await this.offerRetry(folder, shortfall.needs, purpose, retry);
    }
  }

  /** For a write that MLflow's client refused (MLflow missing or too old for the operation): the same two ways out. */
  async explainWriteFailure(folder: vscode.WorkspaceFolder, message: string, upgrade: boolean): Promise<void> {
    this.log.warn(message);
    const decision = await this.python.decide(folder, ['mlflow']);
    const probe = decision.ok ? decision.probe : decision.shortfall.probe;
    const install = probe ? (upgrade ? 'Upgrade MLflow…' : 'Install MLflow…') : undefined;
    const action = await vscode.window.showErrorMessage(message, ...[SELECT, ...(install ? [install] : [])]);
    if (action === SELECT) await this.python.selectInterpreter(folder, ['mlflow']);
    else if (action && action === install && probe) await this.install(folder, probe, ['mlflow'], { upgrade });
  }

  /** Our own quick pick of the interpreters found on this machine; writes `mlWorkbench.python`. */
  pick(folder: vscode.WorkspaceFolder | undefined, needs: readonly PythonPackage[]): Promise<boolean> {
    return pickInterpreter(this.python, this.log, folder, needs);
  }

  /** Asks (modal: interpreter, packages, the exact commands), then runs the install as tasks; true once it succeeded. */
  async install(folder: vscode.WorkspaceFolder, probe: ProbedInterpreter, packages: readonly PythonPackage[], options: { readonly upgrade?: boolean } = {}): Promise<boolean> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Installing packages runs pip in this workspace\'s interpreter, which Restricted Mode does not allow. Trust the workspace first.', 'Manage Workspace Trust').then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
      return false;
    }
    const plan = installPlan(probe, packages, options);
    if (plan.kind === 'refused') return this.refusedInstall(folder, probe, packages, plan.reason);
    const detail = [
      'ML Workbench will run, as a task in the terminal:',
      ...plan.steps.map(commandLine),
      '',
      'pip downloads the packages from the index it is configured for (PyPI unless pip.conf or PIP_INDEX_URL say otherwise).',
    ].join('\n');
    const verb = options.upgrade ? 'Upgrade' : 'Install';
    const answer = await vscode.window.showWarningMessage(`${verb} ${packageList(packages)} into ${probe.executable} (Python ${probe.version})?`, { modal: true, detail }, verb);
    if (answer !== verb) return false;
    const ok = await runSteps(this.runner(), folder, plan.steps.map(taskOf(folder)));
    this.python.forget(folder);
    return ok;
  }

  /** A system Python pip may not touch: offer a `.venv` in the folder, made by it, with the packages. */
  private async refusedInstall(folder: vscode.WorkspaceFolder, probe: ProbedInterpreter, packages: readonly PythonPackage[], reason: string): Promise<boolean> {
    const create = probe.externallyManaged ? 'Create .venv and Install' : undefined;
    const plan = venvPlan(probe, folder.uri.fsPath, packages);
    const detail = create ? `${reason}\n\nCreate .venv and Install runs, as tasks:\n${plan.steps.map(commandLine).join('\n')}\nthen sets mlWorkbench.python to ${plan.setting} for ${folder.name}.` : reason;
    const answer = await vscode.window.showWarningMessage(`Cannot install ${packageList(packages)} into ${probe.executable}`, { modal: true, detail }, ...(create ? [create] : []));
    if (!create || answer !== create) return false;
    if (!(await runSteps(this.runner(), folder, plan.steps.map(taskOf(folder))))) return false;
    await updateSetting(Settings.python, plan.setting, { folder });
    this.python.forget(folder);
    return true;
  }

  private async offerRetry(folder: vscode.WorkspaceFolder, needs: readonly PythonPackage[], purpose: string, retry: (() => unknown) | undefined): Promise<void> {
    const decision = await this.python.decide(folder, needs);
    if (!decision.ok) return;
    const versions = needs.map((name) => `${packageList([name])} ${decision.probe.packages[name] ?? ''}`.trim()).join(', ');
    const action = await vscode.window.showInformationMessage(`${versions} ${needs.length === 1 ? 'is' : 'are'} installed in ${decision.probe.executable}.${retry ? ` ${purpose} can run now.` : ''}`, ...(retry ? [TRY_AGAIN] : []));
    if (action === TRY_AGAIN) await retry?.();
  }
}

const taskOf = (folder: vscode.WorkspaceFolder) => (step: InstallStep): TaskSpec => ({ ...step, cwd: folder.uri.fsPath, env: {} });

function commandLine(step: InstallStep): string {
  return [step.command, ...step.args].map(shlexQuote).join(' ');
}
