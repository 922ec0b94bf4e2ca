import * as vscode from 'vscode';
import { remedyFor, type Remedy } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { isCancellation } from './cancellation.js';
import { Commands } from './constants.js';
import type { DisposableLike } from './dispose.js';

export type CommandId = (typeof Commands)[keyof typeof Commands];

/** A command's handler: a named function of the feature's context and the arguments VS Code passes. */
export type CommandHandler<C> = (context: C, ...args: never[]) => unknown;

/** A feature's commands: each id with its named handler. */
export type CommandTable<C> = Partial<Record<CommandId, CommandHandler<C>>>;

/** What the error policy can offer to do about a failure, by its reason. */
export interface ErrorActions {
  /** Ask for (and keep) a tracking server's user name and password, then read again. */
  setCredentials(serverUrl: string | undefined): Promise<void>;
  selectInterpreter(): Promise<void>;
}

const SHOW_LOG = 'Show Log';
/** The label of each remedy's button. */
const REMEDY_LABELS: Record<Remedy, string> = { retry: 'Retry', 'set-credentials': 'Set Credentials…', 'select-interpreter': 'Select Interpreter…' };

/**
 * Every command goes through one error policy: cancellation is no error; a failure is logged and
 * shown once, with the action its reason calls for ("Set Credentials…", "Retry", "Select
 * Interpreter…") and "Show Log". The host never parses a message to choose.
 */
export class CommandRegistry {
  constructor(
    private readonly log: Logger,
    private readonly actions: ErrorActions,
  ) {}

  /** Registers a feature's table of handlers, each called with `context` first. */
  register<C>(table: CommandTable<C>, context: C): DisposableLike {
    const registrations = Object.entries(table).map(([id, handler]) => {
      const run = (...args: never[]): Promise<unknown> => this.invoke(() => (handler as CommandHandler<C>)(context, ...args));
      return vscode.commands.registerCommand(id, run);
    });
    return vscode.Disposable.from(...registrations);
  }

  /** Shows a failure as a command's would be shown (for work that is not a command: a task starting). */
  async report(error: unknown, retry?: () => Promise<unknown>): Promise<void> {
    if (isCancellation(error)) return;
    this.log.error(error as Error);
    const remedy = remedyFor(error);
    const offered = remedy && (remedy !== 'retry' || retry) ? remedy : undefined;
    const choice = await vscode.window.showErrorMessage(`ML Workbench: ${(error as Error)?.message ?? String(error)}`, ...(offered ? [REMEDY_LABELS[offered]] : []), SHOW_LOG);
    if (choice === SHOW_LOG) await vscode.commands.executeCommand(Commands.showLog);
    else if (choice && offered === 'retry') await retry?.();
    else if (choice && offered === 'set-credentials') await this.actions.setCredentials((error as { subject?: string }).subject);
    else if (choice && offered === 'select-interpreter') await this.actions.selectInterpreter();
  }

  private async invoke(run: () => unknown): Promise<unknown> {
    try {
      return await run();
    } catch (error) {
      await this.report(error, () => this.invoke(run));
      return undefined;
    }
  }
}
