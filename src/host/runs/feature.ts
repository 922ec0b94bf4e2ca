import type * as vscode from 'vscode';
import type { Services } from '../services.js';

/** What the Runs feature's commands work with. */
export interface RunsFeature {
  readonly services: Services;
  readonly extensionUri: vscode.Uri;
  /** Recent tracking servers, across workspaces. */
  readonly globalState: vscode.Memento;
}
