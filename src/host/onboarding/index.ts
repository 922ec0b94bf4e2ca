import * as vscode from 'vscode';
import type { Logger } from '../../core/log.js';
import { registerCommand } from '../commands/register.js';
import { Commands } from '../constants.js';
import type { PythonService } from '../python.js';
import type { TrackingService } from '../tracking.js';
import { newProject } from './newProject.js';
import { registerSetupCommands } from './setupCommands.js';
import { WalkthroughState } from './walkthrough.js';

export interface OnboardingContext {
  readonly extensionUri: vscode.Uri;
  readonly log: Logger;
  readonly python: PythonService;
  readonly tracking: TrackingService;
}

/**
 * A newcomer's first hour: the Getting Started walkthrough (its steps' done/undone from the real
 * state, each completed by a command), New ML Project…, and the setup commands behind both. The
 * interpreter advice (what is missing, pick, install) lives with the PythonService that every
 * feature already asks.
 */
export function registerOnboarding(context: OnboardingContext): vscode.Disposable {
  const walkthrough = new WalkthroughState(context.python, context.tracking, context.log);
  return vscode.Disposable.from(
    walkthrough,
    registerSetupCommands({ log: context.log, python: context.python, tracking: context.tracking, walkthrough }),
    registerCommand(context.log, Commands.newProject, () => newProject({ extensionUri: context.extensionUri, log: context.log, python: context.python, walkthrough })),
  );
}
