import type { ReadonlyDatabase, Row } from '../sqlite/database.js';
import type { KeyValue, ModelVersion, ModelVersionStatus, RegisteredModel } from './entities.js';
import { compact, nonZero, optionalNumber, optionalString } from './shape.js';

/**
 * MLflow's Model Registry tables (mlflow/store/model_registry/dbmodels/models.py), read the way
 * its SQL store answers searches: soft-deleted versions (stage Deleted_Internal) and prompts
 * (tag mlflow.prompt.is_prompt = 'true') never appear.
 */
const DELETED_STAGE = 'Deleted_Internal';
const PROMPT_TAG = 'mlflow.prompt.is_prompt';

export function readRegisteredModels(db: ReadonlyDatabase): RegisteredModel[] {
  const models = db.all(
    `SELECT name, creation_time, last_updated_time, description FROM registered_models m
     WHERE NOT EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.name = m.name AND t.key = ? AND t.value = 'true')
     ORDER BY name ASC`,
    [PROMPT_TAG],
  );
  const tags = groupRows(db.all('SELECT name, key, value FROM registered_model_tags ORDER BY rowid'), 'name');
  const aliases = groupRows(db.all('SELECT name, alias, version FROM registered_model_aliases ORDER BY name, alias'), 'name');
  // The latest version per stage, as _get_latest_versions_for_models computes it.
  const latest = groupRows(
    db.all(
      `SELECT * FROM (
         SELECT v.*, ROW_NUMBER() OVER (PARTITION BY v.name, v.current_stage ORDER BY v.version DESC) AS rn
         FROM model_versions v WHERE v.current_stage != ?
       ) WHERE rn = 1 ORDER BY name, version`,
      [DELETED_STAGE],
    ),
    'name',
  );
  const versionTags = groupRows(db.all('SELECT name, version, key, value FROM model_version_tags ORDER BY rowid'), 'name', 'version');
  return models.map((row) => {
    const name = String(row.name);
    return compact({
      name,
      creation_timestamp: optionalNumber(row.creation_time),
      last_updated_timestamp: nonZero(row.last_updated_time),
      description: row.description ? String(row.description) : undefined,
      latest_versions: (latest.get(name) ?? []).map((v) => toModelVersion(v, versionTags.get(`${name}\0${v.version}`), [])),
      tags: keyValues(tags.get(name)),
      aliases: aliases.get(name)?.map((a) => ({ alias: String(a.alias), version: String(a.version) })),
    });
  });
}

export function readModelVersions(db: ReadonlyDatabase): ModelVersion[] {
  const rows = db.all(
    `SELECT v.* FROM model_versions v
     WHERE v.current_stage != ?
       AND NOT EXISTS (SELECT 1 FROM model_version_tags t WHERE t.name = v.name AND t.version = v.version AND t.key = ? AND t.value = 'true')
     ORDER BY v.last_updated_time DESC, v.name ASC, v.version DESC`,
    [DELETED_STAGE, PROMPT_TAG],
  );
  const tags = groupRows(db.all('SELECT name, version, key, value FROM model_version_tags ORDER BY rowid'), 'name', 'version');
  // search_model_versions in MLflow's SQL store returns versions without their aliases.
  return rows.map((row) => toModelVersion(row, tags.get(`${row.name}\0${row.version}`), []));
}

function toModelVersion(row: Row, tags: readonly Row[] | undefined, aliases: readonly string[]): ModelVersion {
  return compact({
    name: String(row.name),
    version: String(row.version),
    creation_timestamp: optionalNumber(row.creation_time),
    last_updated_timestamp: optionalNumber(row.last_updated_time),
    user_id: optionalString(row.user_id),
    current_stage: optionalString(row.current_stage),
    description: optionalString(row.description),
    source: optionalString(row.source),
    run_id: optionalString(row.run_id),
    status: optionalString(row.status) as ModelVersionStatus | undefined,
    status_message: row.status_message ? String(row.status_message) : undefined,
    tags: keyValues(tags),
    run_link: optionalString(row.run_link),
    aliases,
  });
}

function groupRows(rows: readonly Row[], ...columns: string[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = columns.map((c) => String(row[c])).join('\0');
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

const keyValues = (rows: readonly Row[] | undefined): KeyValue[] | undefined => rows?.map((r) => ({ key: String(r.key), value: r.value === null ? '' : String(r.value) }));
