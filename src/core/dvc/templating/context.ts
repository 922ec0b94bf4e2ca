/**
 * The values `${…}` reads (dvc/parsing/context.py): params.yaml next to dvc.yaml, then `vars`
 * (files, `file:key1,key2` selections, inline dicts), merged without redefining a key; a file
 * may be imported again whole, never partly twice.
 */
import { isAbsolute, join, normalize } from 'node:path';
import type { DvcDiagnostic } from '../entities.js';
import { isDict, type PyDict, type PyValue } from '../pyValue.js';
import { TemplateError, type Selector } from './interpolate.js';

/** Reads a params/vars file as DVC's `load_path` would; throws TemplateError when it cannot. */
export type ValuesReader = (absPath: string) => Promise<PyValue>;

/** A params or vars file that cannot be read: its problems are at its own lines, not the dvc.yaml's. */
export class UnreadableValuesFile extends TemplateError {
  constructor(
    message: string,
    readonly diagnostics: readonly DvcDiagnostic[],
  ) {
    super(message);
  }
}

export const DEFAULT_PARAMS_FILE = 'params.yaml';

export class Context implements Selector {
  private constructor(
    private readonly data: PyDict,
    private readonly imports: Map<string, string[] | null>,
    private readonly reserved: Set<string>,
  ) {}

  static empty(): Context {
    return new Context({}, new Map(), new Set());
  }

  clone(): Context {
    return new Context(structuredClone(this.data), new Map([...this.imports].map(([k, v]) => [k, v && [...v]])), new Set(this.reserved));
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.data, key);
  }

  select(expression: string): PyValue {
    let node: PyValue = this.data;
    for (const raw of expression.split('.')) {
      const part = raw.trim();
      if (Array.isArray(node) && /^[+-]?\d+$/.test(part)) {
        const index = Number(part);
        node = node[index < 0 ? node.length + index : index] as PyValue;
      } else if (isDict(node) && Object.prototype.hasOwnProperty.call(node, part)) {
        node = node[part]!;
      } else {
        throw new TemplateError(`Could not find '${expression}'`);
      }
      if (node === undefined) throw new TemplateError(`Could not find '${expression}'`);
    }
    return node;
  }

  /** `item`/`key` of a foreach/matrix iteration, reserved so that stage vars cannot redefine them. */
  async withTemporary<T>(values: PyDict, body: () => Promise<T>): Promise<T> {
    const saved = new Map(Object.keys(values).map((k) => [k, this.has(k) ? this.data[k] : undefined]));
    Object.assign(this.data, values);
    const added = Object.keys(values).filter((k) => !this.reserved.has(k));
    added.forEach((k) => this.reserved.add(k));
    try {
      return await body();
    } finally {
      added.forEach((k) => this.reserved.delete(k));
      for (const [k, v] of saved) {
        if (v === undefined) delete this.data[k];
        else this.data[k] = v;
      }
    }
  }

  /** `load_from_vars`: `defaultFile` (params.yaml) when it exists, then each item of `vars`. */
  async loadVars(vars: PyValue, wdir: string, read: ValuesReader, exists: (p: string) => Promise<boolean>, defaultFile?: string): Promise<void> {
    if (defaultFile !== undefined && (await exists(join(wdir, defaultFile)))) await this.mergeFrom(defaultFile, wdir, read);
    if (vars === null || vars === undefined) return;
    if (!Array.isArray(vars)) throw new TemplateError(`'vars' must be a list, got ${typeof vars}`);
    for (const item of vars) {
      if (typeof item === 'string') await this.mergeFrom(item, wdir, read);
      else if (isDict(item)) this.mergeUpdate(structuredClone(item), 'vars');
      else throw new TemplateError(`'vars' items must be file names or dicts`);
    }
  }

  private async mergeFrom(item: string, wdir: string, read: ValuesReader): Promise<void> {
    const colon = item.indexOf(':');
    const file = colon === -1 ? item : item.slice(0, colon);
    const keys = colon === -1 ? null : item.slice(colon + 1).split(',').filter((k) => k !== '');
    const selected = keys && keys.length > 0 ? keys : null;
    const path = normalize(isAbsolute(file) ? file : join(wdir, file));
    if (this.imports.has(path)) {
      const imported = this.imports.get(path)!;
      if (selected === null && imported === null) return;
      checkLoaded(item, imported, selected);
    }
    // A copy: merging writes into these dicts, and the loaded file may be shared (yamlFile's cache).
    const data = structuredClone(await read(path));
    if (!isDict(data)) throw new TemplateError(`expected a dictionary in file '${path}'`);
    let values: PyDict = data;
    if (selected) {
      values = {};
      for (const key of selected) {
        if (!(key in data)) throw new TemplateError(`could not find '${key}' in '${path}'`);
        values[key] = data[key]!;
      }
    }
    this.mergeUpdate(values, item);
    const previous = this.imports.get(path);
    if (previous === undefined) this.imports.set(path, selected && [...selected]);
    else if (selected && previous) previous.push(...selected);
  }

  private mergeUpdate(values: PyDict, source: string): void {
    const clash = Object.keys(values).filter((k) => this.reserved.has(k));
    if (clash.length > 0) throw new TemplateError(`attempted to modify reserved key${clash.length > 1 ? 's' : ''} ${clash.join(', ')} in '${source}'`);
    merge(this.data, values, source, []);
  }
}

function checkLoaded(item: string, imported: string[] | null, keys: string[] | null): void {
  if (keys === null && imported !== null) throw new TemplateError(`cannot load '${item}' as it's partially loaded already`);
  if (keys !== null && imported === null) throw new TemplateError(`cannot partially load '${item}' as it's already loaded.`);
  if (keys && imported && keys.some((k) => imported.includes(k))) throw new TemplateError(`cannot load '${item}' as it's partially loaded already`);
}

function merge(into: PyDict, update: PyDict, source: string, path: string[]): void {
  for (const [key, value] of Object.entries(update)) {
    const existing = Object.prototype.hasOwnProperty.call(into, key) ? into[key] : undefined;
    if (isDict(existing) && isDict(value)) {
      merge(existing, value, source, [...path, key]);
    } else if (existing !== undefined) {
      throw new TemplateError(`cannot redefine '${[...path, key].join('.')}' from '${source}' as it already exists`);
    } else {
      into[key] = value;
    }
  }
}
