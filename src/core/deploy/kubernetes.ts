/**
 * Model-as-Service on Kubernetes: a Deployment running the image `mlflow models build-docker`
 * builds (MLflow's scoring server on port 8080: /ping for health, /invocations for predictions)
 * and a Service in front of it. The readiness probe keeps a pod out of the Service until /ping
 * answers; the startup probe gives a large model time to load before liveness checks begin.
 */
import { stringify } from 'yaml';
import { DeployError } from './errors.js';

export interface ResourceSpec {
  readonly cpu: string;
  readonly memory: string;
}

export interface KubernetesOptions {
  /** Deployment and Service name (a DNS-1035 label: see kubernetesName). */
  readonly name: string;
  readonly image: string;
  readonly modelUri: string;
  /** The version the URI resolved to when the image was built. */
  readonly modelVersion?: string;
  readonly namespace?: string;
  readonly replicas?: number;
  readonly serviceType?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** The Service's port (default 80); the container listens on 8080. */
  readonly servicePort?: number;
  readonly requests?: ResourceSpec;
  readonly limits?: ResourceSpec;
  /** MLFLOW_MODELS_WORKERS: uvicorn workers per pod (MLflow's default is the node's CPU count, not the pod's). */
  readonly workers?: number;
  readonly imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}

export const CONTAINER_PORT = 8080;
const DEFAULT_REQUESTS: ResourceSpec = { cpu: '500m', memory: '1Gi' };
const DEFAULT_LIMITS: ResourceSpec = { cpu: '2', memory: '2Gi' };

const DNS_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_1123 = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;
// A Docker image reference: [registry[:port]/]path[:tag][@digest].
const IMAGE = /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/** A valid resource name from a model name and its alias or version: `iris-classifier-champion`. */
export function kubernetesName(...parts: readonly string[]): string {
  let name = parts.join('-').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '');
  if (!/^[a-z]/.test(name)) name = `model-${name}`;
  return name.slice(0, 63).replace(/-+$/, '') || 'model';
}

export function kubernetesManifests(options: KubernetesOptions): string {
  const { name, image } = options;
  if (!DNS_1035.test(name)) throw new DeployError('invalid-argument', `"${name}" cannot name a Deployment and Service: lower-case letters, digits and "-", starting with a letter, at most 63.`, name);
  if (options.namespace !== undefined && !DNS_1123.test(options.namespace)) throw new DeployError('invalid-argument', `"${options.namespace}" is not a namespace name.`, options.namespace);
  if (!IMAGE.test(image)) throw new DeployError('invalid-argument', `"${image}" is not an image reference (registry/name:tag).`, image);
  const replicas = options.replicas ?? 2;
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > 1000) throw new DeployError('invalid-argument', `Replicas must be a whole number from 0 to 1000 (got ${replicas}).`, String(replicas));
  const requests = checkResources(options.requests ?? DEFAULT_REQUESTS, 'requests');
  const limits = checkResources(options.limits ?? DEFAULT_LIMITS, 'limits');
  const workers = options.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new DeployError('invalid-argument', `Workers must be 1 to 64 (got ${workers}).`, String(workers));
  const servicePort = options.servicePort ?? 80;
  if (!Number.isInteger(servicePort) || servicePort < 1 || servicePort > 65_535) throw new DeployError('invalid-argument', `${servicePort} is not a port.`, String(servicePort));

  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'model-server', 'app.kubernetes.io/managed-by': 'ml-workbench' };
  const annotations: Record<string, string> = { 'ml-workbench/model-uri': options.modelUri };
  if (options.modelVersion) annotations['ml-workbench/model-version'] = String(options.modelVersion);
  const metadata = { name, ...(options.namespace ? { namespace: options.namespace } : {}), labels, annotations };
  const probe = (extra: Record<string, number>): Record<string, unknown> => ({ httpGet: { path: '/ping', port: 'http' }, timeoutSeconds: 5, ...extra });
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas,
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      template: {
        metadata: { labels, annotations },
        spec: {
          containers: [
            {
              name: 'model-server',
              image,
              imagePullPolicy: options.imagePullPolicy ?? 'IfNotPresent',
              ports: [{ name: 'http', containerPort: CONTAINER_PORT, protocol: 'TCP' }],
              env: [{ name: 'MLFLOW_MODELS_WORKERS', value: String(workers) }],
              startupProbe: probe({ periodSeconds: 5, failureThreshold: 60 }),
              readinessProbe: probe({ periodSeconds: 10, failureThreshold: 3 }),
              livenessProbe: probe({ periodSeconds: 20, failureThreshold: 3 }),
              resources: { requests: { ...requests }, limits: { ...limits } },
            },
          ],
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      type: options.serviceType ?? 'ClusterIP',
      selector: { 'app.kubernetes.io/name': name },
      ports: [{ name: 'http', port: servicePort, targetPort: 'http', protocol: 'TCP' }],
    },
  };
  const header = [
    `# ${oneLineText(options.modelUri)}${options.modelVersion ? ` (version ${oneLineText(String(options.modelVersion))})` : ''} served by MLflow's scoring server in ${image} (ML Workbench).`,
    `#   kubectl apply -f <this file>${options.namespace ? '' : ' [-n NAMESPACE]'}`,
    `#   kubectl port-forward service/${name} 8080:${servicePort}   then POST JSON to http://127.0.0.1:8080/invocations`,
    '',
  ].join('\n');
  const document = (value: unknown): string => stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
  return `${header}${document(deployment)}---\n${document(service)}`;
}

/** A comment line cannot be ended by a value: YAML breaks lines at CR, LF, NEL, LS and PS. */
function oneLineText(value: string): string {
  return value.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ');
}

function checkResources(spec: ResourceSpec, what: string): ResourceSpec {
  for (const [key, value] of Object.entries(spec)) {
    if (!QUANTITY.test(value)) throw new DeployError('invalid-argument', `The ${what} ${key} "${value}" is not a Kubernetes quantity (500m, 2, 1Gi…).`, value);
  }
  return spec;
}
