/**
 * Every write as one plain JSON object: what a writer validates, what the REST writer maps to an
 * endpoint, and what the Python writer hands to MLflow's client as a single argv argument.
 * Field names are MLflow's (snake_case), so the Python side passes them through unchanged.
 */
export type WriteOperation =
  | { readonly op: 'rename_run'; readonly run_id: string; readonly name: string }
  | { readonly op: 'set_run_tag'; readonly run_id: string; readonly key: string; readonly value: string }
  | { readonly op: 'delete_run_tag'; readonly run_id: string; readonly key: string }
  | { readonly op: 'delete_run'; readonly run_id: string }
  | { readonly op: 'restore_run'; readonly run_id: string }
  | { readonly op: 'set_registered_model_alias'; readonly name: string; readonly alias: string; readonly version: string }
  | { readonly op: 'delete_registered_model_alias'; readonly name: string; readonly alias: string }
  | { readonly op: 'set_registered_model_tag'; readonly name: string; readonly key: string; readonly value: string }
  | { readonly op: 'delete_registered_model_tag'; readonly name: string; readonly key: string }
  | { readonly op: 'set_model_version_tag'; readonly name: string; readonly version: string; readonly key: string; readonly value: string }
  | { readonly op: 'delete_model_version_tag'; readonly name: string; readonly version: string; readonly key: string }
  | { readonly op: 'update_registered_model_description'; readonly name: string; readonly description: string }
  | { readonly op: 'update_model_version_description'; readonly name: string; readonly version: string; readonly description: string }
  | { readonly op: 'create_model_version'; readonly name: string; readonly source: string; readonly run_id?: string; readonly model_id?: string };

export type OperationName = WriteOperation['op'];

/**
 * The logged model a `models:/<model_id>` source names (MLflow's `_parse_model_id_if_present`):
 * one path segment and no `@alias`; `models:/name/3` and `models:/name@champion` name versions.
 */
export function modelIdOfSource(source: string): string | undefined {
  const match = /^models:\/([^/@]+)\/?$/.exec(source);
  return match?.[1];
}
