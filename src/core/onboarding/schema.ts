/**
 * The data contract of a new project (schema.yaml), inferred from the head of the user's CSV:
 * each column's type, range, whether it may be missing, a category's values; the target column;
 * a minimum row count. The template's validate stage (src/validate.py) checks the raw data
 * against it. Values are read as pandas reads them (its default missing-value markers).
 */
import type { CsvHead } from './csv.js';

export type MlTask = 'classification' | 'regression';
export type ColumnType = 'int' | 'float' | 'category' | 'string';

export interface ColumnSchema {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
}

export interface DataSchema {
  readonly target: string;
  readonly minRows: number;
  readonly columns: readonly ColumnSchema[];
}

/** pandas.read_csv's default na_values (pandas/_libs/parsers.pyx STR_NA_VALUES). */
const NA_VALUES = new Set(['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);
/** More distinct values than this and a text column is free text, not a category. */
const MAX_CATEGORIES = 50;
const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity)$/i;

const isMissing = (value: string): boolean => NA_VALUES.has(value.trim());

/** The column a model most likely predicts: one named like a target, else the last one. */
export function suggestTarget(columns: readonly string[]): string | undefined {
  const named = columns.find((name) => /^(target|label|labels|class|y|outcome|species|price)$/i.test(name));
  return named ?? columns[columns.length - 1];
}

export function inferColumn(name: string, raw: readonly string[]): ColumnSchema {
  const present = raw.map((value) => value.trim()).filter((value) => !isMissing(value));
  const nullable = present.length < raw.length;
  if (present.length > 0 && present.every((value) => INT.test(value))) return { name, type: 'int', nullable, ...range(present) };
  if (present.length > 0 && present.every((value) => FLOAT.test(value))) return { name, type: 'float', nullable, ...range(present) };
  const distinct = [...new Set(present)].sort(compareValues);
  if (distinct.length <= MAX_CATEGORIES && distinct.length <= Math.max(2, present.length / 2)) return { name, type: 'category', nullable, values: distinct };
  return { name, type: 'string', nullable };
}

function range(values: readonly string[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    const number = Number(value.replace(/^([+-]?)inf(inity)?$/i, '$1Infinity'));
    if (number < min) min = number;
    if (number > max) max = number;
  }
  return { min, max };
}

function compareValues(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The schema of a CSV head. The target of a classification is a category (its classes listed,
 * numbers included); of a regression a number. At least half the rows seen are required.
 */
export function inferSchema(head: CsvHead, target: string, task: MlTask): DataSchema {
  const index = head.columns.indexOf(target);
  if (index === -1) throw new Error(`The data has no column "${target}".`);
  const columns = head.columns.map((name, i) => {
    const column = inferColumn(name, head.rows.map((row) => row[i] ?? ''));
    if (i !== index || task !== 'classification') return column;
    const classes = [...new Set(head.rows.map((row) => (row[i] ?? '').trim()).filter((v) => !isMissing(v)))].sort(compareValues);
    return { name, type: 'category' as const, nullable: false, values: classes };
  });
  return { target, minRows: Math.max(10, Math.floor(head.rows.length / 2)), columns };
}

/** Why the column does not suit the task (undefined: it does). Shown before anything is written. */
export function targetProblem(head: CsvHead, target: string, task: MlTask): string | undefined {
  const index = head.columns.indexOf(target);
  if (index === -1) return `The data has no column "${target}".`;
  const column = inferColumn(target, head.rows.map((row) => row[index] ?? ''));
  const present = head.rows.map((row) => (row[index] ?? '').trim()).filter((v) => !isMissing(v));
  if (present.length < 2) return `"${target}" has ${present.length} value${present.length === 1 ? '' : 's'}: nothing to learn from.`;
  if (task === 'regression' && column.type !== 'int' && column.type !== 'float') return `"${target}" is not numeric (for example "${present.find((v) => !FLOAT.test(v))}"), and a regression predicts a number. Choose the classification template, or another column.`;
  if (task === 'classification') {
    const counts = new Map<string, number>();
    for (const value of present) counts.set(value, (counts.get(value) ?? 0) + 1);
    if (counts.size < 2) return `"${target}" has a single class ("${present[0]}"): a classifier needs at least two.`;
    if (column.type === 'float' || counts.size > MAX_CATEGORIES || counts.size > present.length / 2) return `"${target}" has ${counts.size} distinct values in ${present.length} rows: that looks like a number to predict (regression), not classes.`;
    const single = [...counts].filter(([, n]) => n < 2).map(([value]) => value);
    if (single.length > 0) return `"${target}" has classes with a single row (${single.slice(0, 5).join(', ')}): they cannot be split into train and test.`;
  }
  return undefined;
}

export interface SchemaSource {
  /** Where the data came from, for the comment. */
  readonly file: string;
  readonly rowsRead: number;
  readonly complete: boolean;
}

/** schema.yaml, with comments that say what it is and how to change it; read back by PyYAML. */
export function schemaYaml(schema: DataSchema, source: SchemaSource): string {
  const lines = [
    '# The contract the raw data must meet. The validate stage checks data/raw/ against it and stops',
    '# the pipeline, with a report of every violation, when the data breaks it.',
    `# Inferred by ML Workbench from ${source.file} (${source.complete ? `all ${source.rowsRead} rows` : `its first ${source.rowsRead} rows`}):`,
    "# edit it to your domain's real limits. Per column: type (int, float, category, string), min and",
    '# max, nullable (missing values allowed), values (the allowed categories).',
    `min_rows: ${schema.minRows}`,
    `target: ${yamlScalar(schema.target)}`,
    'columns:',
    ...schema.columns.map((column) => `  ${yamlScalar(column.name)}: {${columnFields(column).join(', ')}}`),
  ];
  return `${lines.join('\n')}\n`;
}

function columnFields(column: ColumnSchema): string[] {
  const fields = [`type: ${column.type}`];
  if (column.min !== undefined) fields.push(`min: ${yamlNumber(column.min, column.type)}`);
  if (column.max !== undefined) fields.push(`max: ${yamlNumber(column.max, column.type)}`);
  fields.push(`nullable: ${column.nullable}`);
  if (column.values) fields.push(`values: [${column.values.map(yamlScalar).join(', ')}]`);
  return fields;
}

/** A number PyYAML (YAML 1.1) reads back as one: its floats need a dot and a signed exponent. */
export function yamlNumber(value: number, type: ColumnType): string {
  if (value === Infinity) return '.inf';
  if (value === -Infinity) return '-.inf';
  if (type === 'int') return String(value);
  const text = String(value);
  const match = /^(-?\d+)(\.\d+)?e([+-]?)(\d+)$/.exec(text);
  if (match) return `${match[1]}${match[2] ?? '.0'}e${match[3] || '+'}${match[4]}`;
  return text.includes('.') ? text : `${text}.0`;
}

const YAML_WORDS = /^(y|yes|n|no|true|false|on|off|null|~)$/i;

/** A key or value: plain when YAML reads it back as that same string, else a double-quoted (JSON) string. */
export function yamlScalar(value: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(value) && !YAML_WORDS.test(value) && !/^\.(inf|nan)$/i.test(value);
  return plain ? value : JSON.stringify(value);
}
