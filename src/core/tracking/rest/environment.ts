/**
 * REST options from the environment, read as MLflow's client reads them:
 * mlflow/utils/credentials.py (`read_mlflow_creds`, `get_default_host_creds`),
 * mlflow/environment_variables.py (types, defaults, boolean spelling) and
 * mlflow/utils/rest_utils.py (`http_request`, `_validate_max_retries`).
 * A pure function of the variables and the text of ~/.mlflow/credentials, so it is testable.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TrackingError } from '../errors.js';
import type { RestOptions } from './http.js';
import { parseIni } from './ini.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export type EnvironmentRestOptions = Required<Pick<RestOptions, 'auth' | 'tls' | 'timeoutMs' | 'retry'>> & Pick<RestOptions, 'deadlineMs'>;

/** Ours, not MLflow's: seconds one exchange may take in all (http.ts DEFAULT_DEADLINE_MS when unset). */
export const DEADLINE_VARIABLE = 'ML_WORKBENCH_HTTP_REQUEST_DEADLINE';

/** MLflow's defaults: MLFLOW_HTTP_REQUEST_TIMEOUT 120 s, MAX_RETRIES 7, BACKOFF_FACTOR 2 (s). */
const DEFAULT_TIMEOUT_S = 120;
const DEFAULT_MAX_RETRIES = 7;
const DEFAULT_BACKOFF_FACTOR_S = 2;
/** `_MLFLOW_HTTP_REQUEST_MAX_RETRIES_LIMIT`: MLflow refuses more. */
const MAX_RETRIES_LIMIT = 10;

/**
 * User name and password each come from the variable, else from the credentials file's [mlflow]
 * section (`username_env or username_file`, so an empty variable falls through); the token only
 * from MLFLOW_TRACKING_TOKEN. Which one is sent is the client's choice (Basic wins).
 */
export function restOptionsFromEnvironment(env: Environment, credentialsFileText?: string): EnvironmentRestOptions {
  const file = credentialsFileText === undefined ? undefined : parseIni(credentialsFileText, CREDENTIALS_FILE).get('mlflow');
  const username = env['MLFLOW_TRACKING_USERNAME'] || file?.get('mlflow_tracking_username') || undefined;
  const password = env['MLFLOW_TRACKING_PASSWORD'] || file?.get('mlflow_tracking_password') || undefined;
  const token = env['MLFLOW_TRACKING_TOKEN'] || undefined;
  const caPath = env['MLFLOW_TRACKING_SERVER_CERT_PATH'] || undefined;
  const insecure = booleanVariable(env, 'MLFLOW_TRACKING_INSECURE_TLS', false);
  const maxRetries = integerVariable(env, 'MLFLOW_HTTP_REQUEST_MAX_RETRIES', DEFAULT_MAX_RETRIES);
  if (maxRetries < 0 || maxRetries > MAX_RETRIES_LIMIT) {
    throw invalid('MLFLOW_HTTP_REQUEST_MAX_RETRIES', String(maxRetries), `must be between 0 and ${MAX_RETRIES_LIMIT}`);
  }
  const backoffFactor = integerVariable(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR', DEFAULT_BACKOFF_FACTOR_S);
  const timeout = integerVariable(env, 'MLFLOW_HTTP_REQUEST_TIMEOUT', DEFAULT_TIMEOUT_S);
  if (timeout <= 0) throw invalid('MLFLOW_HTTP_REQUEST_TIMEOUT', String(timeout), 'must be a positive number of seconds');
  const deadline = env[DEADLINE_VARIABLE] === undefined ? undefined : integerVariable(env, DEADLINE_VARIABLE, 0);
  if (deadline !== undefined && deadline <= 0) throw invalid(DEADLINE_VARIABLE, String(env[DEADLINE_VARIABLE]), 'must be a positive number of seconds');
  return {
    auth: dropUndefined({ username, password, token }),
    tls: dropUndefined({ insecure: insecure || undefined, caPath }),
    timeoutMs: timeout * 1_000,
    retry: { maxRetries, baseDelayMs: Math.max(0, backoffFactor) * 1_000 },
    ...(deadline === undefined ? {} : { deadlineMs: deadline * 1_000 }),
  };
}

/** MLflow's `os.path.expanduser("~/.mlflow/credentials")`. */
export function credentialsFilePath(home: string = homedir()): string {
  return join(home, '.mlflow', 'credentials');
}

/** The credentials file's text, or undefined when there is none (the only impure part). */
export async function readCredentialsFile(path: string = credentialsFilePath()): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new TrackingError('invalid-argument', `Cannot read MLflow credentials ${path}: ${(error as Error).message}`, path, { cause: error });
  }
}

const CREDENTIALS_FILE = '~/.mlflow/credentials';

/** `_BooleanEnvironmentVariable.get`: true/false/1/0 in any case; anything else is an error. */
function booleanVariable(env: Environment, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined) return fallback;
  const lowered = value.toLowerCase();
  if (!['true', 'false', '1', '0'].includes(lowered)) throw invalid(name, value, "must be one of 'true', 'false', '1', '0'");
  return lowered === 'true' || lowered === '1';
}

/** Python's int(): optional sign, digits and underscores between them, surrounding blanks. */
function integerVariable(env: Environment, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined) return fallback;
  if (!/^\s*[+-]?\d+(_\d+)*\s*$/.test(value)) throw invalid(name, value, 'must be an integer');
  return Number(value.replace(/_/g, '').trim());
}

function invalid(name: string, value: string, rule: string): TrackingError {
  return new TrackingError('invalid-argument', `The environment variable ${name}=${JSON.stringify(value)} ${rule}`, name);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
