/**
 * Completion for the table's filter box, in MLflow's search syntax: entities (`metrics.`,
 * `params.`, `tags.`, `attributes.`), the keys the loaded rows have, comparators fitting the
 * entity, and the values a param, tag or string attribute takes (quoted as MLflow wants).
 */
import type { TableRow } from './rows.js';
import type { Completion, Completions } from './types.js';



const ENTITIES = ['metrics', 'params', 'tags', 'attributes'] as const;
const COMPARATORS: Readonly<Record<string, readonly string[]>> = {
  metrics: ['>', '>=', '<', '<=', '=', '!='],
  params: ['=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'],
  tags: ['=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'],
  attributes: ['=', '!=', 'LIKE', 'ILIKE', 'IN'],
};
const ATTRIBUTES = ['status', 'run_name', 'run_id', 'user_id', 'start_time', 'end_time'];
const MAX_ITEMS = 50;
const MAX_VALUES = 200;

/** Keys per entity and values per column of the loaded rows. */
export interface CompletionIndex {
  readonly keys: Readonly<Record<string, readonly string[]>>;
  readonly values: ReadonlyMap<string, readonly string[]>;
}

export function completionIndex(rows: readonly TableRow[]): CompletionIndex {
  const keys: Record<string, Set<string>> = { metrics: new Set(), params: new Set(), tags: new Set(), attributes: new Set(ATTRIBUTES) };
  const values = new Map<string, Set<string>>();
  for (const row of rows) {
    for (const [column, value] of Object.entries(row.cells)) {
      const dot = column.indexOf('.');
      const entity = column.slice(0, dot);
      if (entity === 'attributes') continue;
      keys[entity]?.add(column.slice(dot + 1));
      if ((entity === 'params' || entity === 'tags') && value !== null) {
        let set = values.get(column);
        if (!set) values.set(column, (set = new Set()));
        if (set.size < MAX_VALUES) set.add(String(value));
      }
    }
    let statuses = values.get('attributes.status');
    if (!statuses) values.set('attributes.status', (statuses = new Set()));
    statuses.add(row.shadow.info.status);
  }
  return {
    keys: Object.fromEntries(Object.entries(keys).map(([k, v]) => [k, [...v].sort()])),
    values: new Map([...values].map(([k, v]) => [k, [...v].sort()])),
  };
}

const quoteKey = (key: string): string => (/^[A-Za-z_][\w.]*$/.test(key) ? key : `\`${key.replace(/`/g, '')}\``);
const quoteValue = (value: string): string => `'${value.replace(/'/g, "\\'")}'`;

/** What may come at `cursor` in `text`. */
export function completeFilter(text: string, cursor: number, index: CompletionIndex): Completions {
  const before = text.slice(0, cursor);
  // After `entity.key <comparator> `: values.
  const value = /(metrics|params|tags|attributes)\.(`[^`]*`|[\w.:-]+)\s*(=|!=|LIKE|ILIKE)\s*('[^']*)?$/i.exec(before);
  if (value) {
    const entity = value[1]!.toLowerCase();
    const key = value[2]!.replace(/^`|`$/g, '');
    const typed = value[4] ?? '';
    const from = cursor - typed.length;
    const known = index.values.get(`${entity}.${key}`) ?? [];
    const prefix = typed.replace(/^'/, '');
    return { from, to: cursor, items: known.filter((v) => v.startsWith(prefix)).slice(0, MAX_ITEMS).map((v) => ({ label: v, insert: quoteValue(v), detail: `${entity}.${key}` })) };
  }
  // After `entity.key `: comparators.
  const comparator = /(metrics|params|tags|attributes)\.(`[^`]*`|[\w.:-]+)\s+([A-Za-z!=<>]*)$/i.exec(before);
  if (comparator) {
    const entity = comparator[1]!.toLowerCase();
    const typed = comparator[3] ?? '';
    const options = COMPARATORS[entity] ?? [];
    return { from: cursor - typed.length, to: cursor, items: options.filter((c) => c.startsWith(typed.toUpperCase())).map((c) => ({ label: c, insert: `${c} `, detail: `comparator for ${entity}` })) };
  }
  // `entity.` then a key.
  const key = /(metrics|params|tags|attributes)\.([\w.:`-]*)$/i.exec(before);
  if (key) {
    const entity = key[1]!.toLowerCase();
    const typed = key[2]!.replace(/^`/, '');
    const from = cursor - key[2]!.length;
    const keys = (index.keys[entity] ?? []).filter((k) => k.startsWith(typed)).slice(0, MAX_ITEMS);
    return { from, to: cursor, items: keys.map((k) => ({ label: k, insert: `${quoteKey(k)} `, detail: entity })) };
  }
  // The start of a clause: an entity, or AND after a complete clause.
  const word = /([\w]*)$/.exec(before)![1]!;
  const from = cursor - word.length;
  const afterClause = /('[^']*'|\d|\)|NULL)\s+\w*$/i.test(before);
  const items: Completion[] = afterClause ? [{ label: 'AND', insert: 'AND ', detail: 'another clause' }] : ENTITIES.filter((e) => e.startsWith(word.toLowerCase())).map((e) => ({ label: `${e}.`, insert: `${e}.`, detail: `${(index.keys[e] ?? []).length} keys` }));
  return { from, to: cursor, items: items.filter((i) => i.label.toLowerCase().startsWith(word.toLowerCase())) };
}
