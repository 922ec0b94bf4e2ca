import type { Services } from '../services.js';
import type { ServerManager } from '../../core/tasks/modelServers.js';

/** What the Serving feature's commands work with. */
export interface ServingFeature {
  readonly services: Services;
  readonly servers: ServerManager;
  /** Shows the Serving view. */
  revealServing(): Thenable<void>;
}
