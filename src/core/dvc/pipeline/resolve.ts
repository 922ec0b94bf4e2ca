/**
 * dvc.yaml's `stages` resolved as dvc/parsing/__init__.py does: plain stages, `foreach`/`do`
 * groups (`name@key`) and `matrix` groups (`name@frag1-frag2`), each templated from the context
 * (params.yaml, `vars`, stage `vars`, `item`/`key`). A stage that fails to resolve becomes a
 * diagnostic at its line; the others still load.
 */
import { join } from 'node:path';
import type { DvcDiagnostic, Position } from '../entities.js';
import { isDict, type PyDict, type PyValue } from '../pyValue.js';
import type { YamlFile } from '../files/yamlFile.js';
import { diagnostic } from '../files/yamlFile.js';
import { UnreadableValuesFile, type Context, type ValuesReader } from '../templating/context.js';
import { checkSyntax, dvcToStr, hasPlaceholder, resolveString, resolveValue, TemplateError, type ParsingConfig } from '../templating/interpolate.js';

export interface ResolvedStage {
  readonly name: string;
  readonly generatedFrom?: string;
  readonly data: PyDict;
  /** Absolute working directory. */
  readonly wdir: string;
  readonly position: Position;
  /** Position of an item of a field (`deps`, 0) in the stage's template. */
  itemPosition(field: string, index: number): Position;
}

export interface ResolveInput {
  readonly file: YamlFile;
  /** Absolute directory of the dvc.yaml. */
  readonly dir: string;
  readonly context: Context;
  readonly config: ParsingConfig;
  readonly read: ValuesReader;
  readonly exists: (path: string) => Promise<boolean>;
}

export interface ResolveResult {
  readonly stages: ResolvedStage[];
  readonly diagnostics: DvcDiagnostic[];
}

export async function resolveStages(input: ResolveInput, stagesValue: PyValue): Promise<ResolveResult> {
  const stages: ResolvedStage[] = [];
  const diagnostics: DvcDiagnostic[] = [];
  if (stagesValue === null || stagesValue === undefined) return { stages, diagnostics };
  if (!isDict(stagesValue)) {
    diagnostics.push(diagnostic(input.file.path, input.file.positionOf(['stages']), "'stages' must be a mapping of stage names to definitions"));
    return { stages, diagnostics };
  }
  for (const [name, definition] of Object.entries(stagesValue)) {
    const position = input.file.keyPositionOf(['stages', name]);
    try {
      if (name.includes('@')) throw new TemplateError(`stage name '${name}' must not contain '@'`);
      if (!isDict(definition)) throw new TemplateError(`stage '${name}' must be a mapping`);
      if ('matrix' in definition) stages.push(...(await resolveMatrix(input, name, definition)));
      else if ('foreach' in definition) stages.push(...(await resolveForeach(input, name, definition)));
      else stages.push(await resolveEntry(input, name, definition, ['stages', name], undefined, true));
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      if (error instanceof UnreadableValuesFile) diagnostics.push(...error.diagnostics);
      else diagnostics.push(diagnostic(input.file.path, position, `failed to parse stage '${name}': ${error.message}`));
    }
  }
  return { stages, diagnostics };
}

async function resolveForeach(input: ResolveInput, name: string, definition: PyDict): Promise<ResolvedStage[]> {
  if (!('do' in definition)) throw new TemplateError(`'${name}' has 'foreach' without 'do'`);
  const template = definition['do'];
  if (!isDict(template)) throw new TemplateError(`'${name}.do' must be a mapping`);
  checkSyntax(template);
  const iterable = resolveValue(definition['foreach']!, input.context, undefined, input.config);
  if (!(Array.isArray(iterable) || isDict(iterable))) throw new TemplateError(`'${name}.foreach' expected list/dictionary, got ${typeof iterable}`);
  const members = foreachMembers(iterable);
  const out: ResolvedStage[] = [];
  for (const [key, item] of members) {
    const temporary: PyDict = isDict(iterable) ? { item, key } : { item };
    out.push(await input.context.withTemporary(temporary, () => resolveEntry(input, `${name}@${key}`, template, ['stages', name, 'do'], name, false)));
  }
  return out;
}

/** Keys of the generated stages: dict keys; list values; list indexes when items are composite. */
export function foreachMembers(iterable: PyValue[] | PyDict): [string, PyValue][] {
  if (isDict(iterable)) return Object.entries(iterable).map(([k, v]) => [dvcToStr(k), v]);
  const composite = iterable.some((v) => Array.isArray(v) || isDict(v));
  const entries: [string, PyValue][] = iterable.map((v, i) => [composite ? String(i) : dvcToStr(v), v]);
  return [...new Map(entries)];
}

async function resolveMatrix(input: ResolveInput, name: string, definition: PyDict): Promise<ResolvedStage[]> {
  const { matrix, ...template } = definition;
  checkSyntax(template);
  const resolved = resolveValue(matrix!, input.context, undefined, input.config);
  if (!isDict(resolved)) throw new TemplateError(`'${name}.matrix' must be a mapping of lists`);
  const out: ResolvedStage[] = [];
  for (const [key, item] of matrixMembers(resolved)) {
    out.push(await input.context.withTemporary({ key, item }, () => resolveEntry(input, `${name}@${key}`, template, ['stages', name], name, false)));
  }
  return out;
}

/** The cartesian product in axis order; fragments are values, or `<axis><index>` for composite ones. */
export function matrixMembers(matrix: PyDict): [string, PyDict][] {
  let combos: { fragments: string[]; item: PyDict }[] = [{ fragments: [], item: {} }];
  for (const [axis, values] of Object.entries(matrix)) {
    if (!Array.isArray(values)) throw new TemplateError(`matrix axis '${axis}' must be a list`);
    combos = combos.flatMap((combo) =>
      values.map((value, i) => ({
        fragments: [...combo.fragments, Array.isArray(value) || isDict(value) ? `${axis}${i}` : dvcToStr(value)],
        item: { ...combo.item, [axis]: value },
      })),
    );
  }
  return [...new Map(combos.map((c) => [c.fragments.join('-'), c.item] as [string, PyDict]))];
}

async function resolveEntry(
  input: ResolveInput,
  name: string,
  template: PyDict,
  templatePath: readonly (string | number)[],
  generatedFrom: string | undefined,
  checkFirst: boolean,
): Promise<ResolvedStage> {
  if (checkFirst) checkSyntax(template);
  const { vars, ...definition } = structuredClone(template);
  const wdirValue = definition['wdir'];
  const wdirText = typeof wdirValue === 'string' && wdirValue !== '' ? dvcToStr(resolveString(wdirValue, input.context, 'wdir', input.config)) : '';
  const wdir = wdirText === '' ? input.dir : join(input.dir, wdirText);
  let context = input.context;
  if (vars !== undefined && vars !== null) {
    if (containsPlaceholder(vars)) throw new TemplateError(`'${name}.vars': interpolating is not allowed`);
    context = context.clone();
    await context.loadVars(vars, wdir, input.read, input.exists);
  }
  const data: PyDict = {};
  for (const [key, value] of Object.entries(definition)) data[key] = resolveValue(value, context, key, input.config);
  const file = input.file;
  return {
    name,
    ...(generatedFrom === undefined ? {} : { generatedFrom }),
    data,
    wdir,
    position: file.keyPositionOf(['stages', generatedFrom ?? name]),
    itemPosition: (field, index) => file.positionOf([...templatePath, field, index]),
  };
}

export function containsPlaceholder(value: PyValue): boolean {
  if (typeof value === 'string') return hasPlaceholder(value);
  if (Array.isArray(value)) return value.some(containsPlaceholder);
  if (isDict(value)) return Object.entries(value).some(([k, v]) => hasPlaceholder(k) || containsPlaceholder(v));
  return false;
}
