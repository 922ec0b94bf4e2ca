/** Where a model version's files are, from the `source` MLflow stored when it was registered. */
export type ModelSource =
  | { readonly kind: 'logged-model'; readonly modelId: string }
  | { readonly kind: 'run'; readonly runId: string; readonly path: string }
  | { readonly kind: 'uri'; readonly uri: string };

/** `models:/m-…` (MLflow 3 logged model), `runs:/<run id>/<path>`, or any artifact URI or path. */
export function parseModelSource(source: string): ModelSource {
  const logged = /^models:\/(m-[A-Za-z0-9]+)\/?$/.exec(source);
  if (logged) return { kind: 'logged-model', modelId: logged[1]! };
  const run = /^runs:\/([A-Za-z0-9]+)\/?(.*)$/.exec(source);
  if (run) return { kind: 'run', runId: run[1]!, path: run[2]!.replace(/\/+$/, '') };
  return { kind: 'uri', uri: source };
}

/** `models:/name/version` and `models:/name@alias`, as MLflow resolves them. */
export function modelVersionUri(name: string, version: string): string {
  return `models:/${name}/${version}`;
}

export function modelAliasUri(name: string, alias: string): string {
  return `models:/${name}@${alias}`;
}
