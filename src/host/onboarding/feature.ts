import type * as vscode from 'vscode';
import type { Services } from '../services.js';
import type { WalkthroughState } from './walkthrough.js';

/** What the Getting Started commands work with. */
export interface OnboardingFeature {
  readonly services: Services;
  /** The extension's folder: New ML Project's templates. */
  readonly extensionUri: vscode.Uri;
  /** The walkthrough's step states, re-checked after each step. */
  readonly walkthrough: WalkthroughState;
}
