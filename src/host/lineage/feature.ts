import type * as vscode from 'vscode';
import type { Services } from '../services.js';

/** What the lineage feature's commands work with. */
export interface LineageFeature {
  readonly services: Services;
  readonly extensionUri: vscode.Uri;
}
