/**
 * `models:/` URIs as MLflow 3.17 parses them (`_parse_model_uri` in
 * mlflow/store/artifact/utils/models.py, after `urllib.parse.urlparse`): one of a version, a stage,
 * `latest`, an alias, or — with a single path part and no `@` — an MLflow 3 logged model id.
 */
import { DeployError } from './errors.js';

export type ModelUri =
  | { readonly kind: 'version'; readonly uri: string; readonly name: string; readonly version: string }
  | { readonly kind: 'alias'; readonly uri: string; readonly name: string; readonly alias: string }
  | { readonly kind: 'latest'; readonly uri: string; readonly name: string }
  /** The deprecated registry stages (`models:/m/Production`): the newest version in that stage. */
  | { readonly kind: 'stage'; readonly uri: string; readonly name: string; readonly stage: string }
  | { readonly kind: 'logged-model'; readonly uri: string; readonly modelId: string };

/** MLflow's wording, so the message matches what `mlflow.pyfunc.load_model` would raise. */
export function improperModelUriMessage(uri: string): string {
  return (
    `Not a proper models:/ URI: ${uri}. Models URIs must be of the form 'models:/name/suffix' or 'models:/name@alias' ` +
    "where suffix is a version, stage, or the string 'latest' and where alias is a registered model alias. " +
    'Only one of suffix or alias can be defined at a time.'
  );
}

/** Parses a `models:/` URI; a DeployError ('invalid-model-uri') for anything MLflow would refuse. */
export function parseModelUri(uri: string): ModelUri {
  const path = uriPath(uri);
  if (path === undefined || !path.startsWith('/') || path.length <= 1) throw invalid(uri);
  const parts = path.replace(/^\/+/, '').split('/');
  if (parts.length > 2 || parts[0]!.trim() === '') throw invalid(uri);
  if (parts.length === 2) {
    const [name, suffix] = parts as [string, string];
    if (suffix.trim() === '') throw invalid(uri);
    if (/^\d+$/.test(suffix)) return { kind: 'version', uri, name, version: suffix };
    if (suffix.toLowerCase() === 'latest') return { kind: 'latest', uri, name };
    return { kind: 'stage', uri, name, stage: suffix };
  }
  if (path.includes('@')) {
    const at = parts[0]!.lastIndexOf('@');
    const alias = parts[0]!.slice(at + 1);
    if (at < 0 || alias.trim() === '') throw invalid(uri);
    return { kind: 'alias', uri, name: parts[0]!.slice(0, at), alias };
  }
  return { kind: 'logged-model', uri, modelId: parts[0]! };
}

/** Undefined for a URI that is not `models:` at all. */
export function tryParseModelUri(uri: string): ModelUri | DeployError | undefined {
  if (!/^models:/i.test(uri)) return undefined;
  try {
    return parseModelUri(uri);
  } catch (error) {
    if (error instanceof DeployError) return error;
    throw error;
  }
}

/** The registered model a URI names (undefined for a logged model id). */
export function registeredNameOf(uri: ModelUri): string | undefined {
  return uri.kind === 'logged-model' ? undefined : uri.name;
}

/** `models:/NAME/VERSION`: what a stage or worker loads so that one run uses one version throughout. */
export function pinnedUri(name: string, version: string): string {
  return `models:/${name}/${version}`;
}

/**
 * The path `urlparse` gives (scheme `models`, case-insensitive as urlparse lowers it; a `//netloc`
 * — a Databricks profile — dropped; the query dropped; `#` kept, as MLflow parses without fragments).
 */
function uriPath(uri: string): string | undefined {
  const match = /^models:(.*)$/is.exec(uri);
  if (!match) return undefined;
  let rest = match[1]!;
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  const query = rest.indexOf('?');
  return query < 0 ? rest : rest.slice(0, query);
}

function invalid(uri: string): DeployError {
  return new DeployError('invalid-model-uri', improperModelUriMessage(uri), uri);
}
