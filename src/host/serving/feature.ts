import type { Services } from '../services.js';
import type { ServerManager } from '../../core/tasks/modelServers.js';
import type { ServingCapture } from './capture.js';

/** What the Serving feature's commands work with. */
export interface ServingFeature {
  readonly services: Services;
  readonly servers: ServerManager;
  /** The capture proxies in front of the servers. */
  readonly capture: ServingCapture;
  /** Shows the Serving view. */
  revealServing(): Thenable<void>;
}
