import * as vscode from 'vscode';
import type { CommandTable } from '../commands.js';
import { Commands } from '../constants.js';
import type { DisposableLike } from '../dispose.js';
import type { Services } from '../services.js';
import type { OnboardingFeature } from './feature.js';
import { newProject } from './newProject.js';
import { setupCommands } from './setupCommands.js';
import { WalkthroughState } from './walkthrough.js';

const onboardingCommands: CommandTable<OnboardingFeature> = {
  ...setupCommands,
  [Commands.newProject]: newProject,
};

/**
 * A newcomer's first hour: the Getting Started walkthrough (its steps' done/undone from the real
 * state, each completed by a command), New ML Project…, and the setup commands behind both. The
 * interpreter advice (what is missing, pick, install) lives with the PythonService that every
 * feature already asks.
 */
export function registerOnboarding(context: vscode.ExtensionContext, services: Services): DisposableLike {
  const walkthrough = new WalkthroughState(services.python, services.tracking, services.log);
  return vscode.Disposable.from(walkthrough, services.commands.register(onboardingCommands, { services, extensionUri: context.extensionUri, walkthrough }));
}
