import type { Services } from '../services.js';

/** What the Deploy feature's commands and editor providers work with. */
export interface DeployFeature {
  readonly services: Services;
  /** The scaffolds' Python templates, shipped in the .vsix (dist/templates). */
  readonly templateDir: string;
  /** The extension's own storage (a local Redis keeps its folder there). */
  readonly storageDir: string;
}
