/**
 * A vega plot's datapoints for one revision, as DVC computes them (dvc/render/converter/vega.py
 * `VegaConverter.flat_datapoints`), then the renderer's last touch across revisions
 * (dvc_render/vega.py `_update_datapoints`): which of `filename` / `field` stay on each point.
 */
import { PlotError, type Datapoint, type JsonValue, type SeriesKey } from './model.js';

/** x: a field, or {file: field(s)}; y: a field, fields, or {file: field(s)} (dvc.yaml `plots`). */
export type AxisDefinition = string | readonly string[] | Readonly<Record<string, string | readonly string[]>>;

export interface PlotProps {
  readonly template?: string;
  readonly x?: AxisDefinition;
  readonly y?: AxisDefinition;
  readonly title?: string;
  readonly x_label?: string;
  readonly y_label?: string;
  readonly header?: boolean;
}

export interface YDefinition {
  readonly filename: string;
  readonly field: string;
}

export interface Converted {
  readonly datapoints: Datapoint[];
  readonly x: string;
  readonly y: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly yDefinitions: readonly YDefinition[];
}

const INDEX = 'step';
const INFERRED_X = 'dvc_inferred_x_value';
const INFERRED_Y = 'dvc_inferred_y_value';

type FileFields = Readonly<Record<string, string | readonly string[]>>;

function isFileMap(value: AxisDefinition | undefined): value is FileFields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `_file_field`: (file, field) pairs of file maps, in order. */
function fileFields(...axes: (FileFields | undefined)[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (const axis of axes) {
    if (!axis) continue;
    for (const [file, value] of Object.entries(axis)) {
      if (typeof value === 'string') pairs.push([file, value]);
      else if (Array.isArray(value)) for (const field of value) pairs.push([file, field]);
    }
  }
  return pairs;
}

/** `_lists`: the lists in a file's content (the content itself, or the lists found in its dicts). */
function* lists(blob: JsonValue): Generator<JsonValue[]> {
  if (Array.isArray(blob)) {
    yield blob;
    return;
  }
  if (typeof blob !== 'object' || blob === null) return;
  for (const value of Object.values(blob)) {
    if (Array.isArray(value)) yield value;
    else if (typeof value === 'object' && value !== null) yield* lists(value);
  }
}

function isRecord(value: JsonValue): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `get_datapoints`: lists of records whose keys all agree, merged index by index. */
export function fileDatapoints(content: JsonValue): Datapoint[] {
  const result: Datapoint[] = [];
  for (const list of lists(content)) {
    if (list.length === 0 || !list.every(isRecord)) continue;
    const keys = new Set(Object.keys(list[0] as Datapoint));
    const sameKeys = (list as Datapoint[]).every((item) => Object.keys(item).every((k) => keys.has(k)));
    if (!sameKeys) continue;
    (list as Datapoint[]).forEach((datapoint, index) => {
      result[index] = Object.assign(result[index] ?? {}, datapoint);
    });
  }
  return result;
}

function inferY(plotId: string, data: ReadonlyMap<string, JsonValue>): FileFields | undefined {
  const content = data.get(plotId);
  if (content === undefined) return undefined;
  for (const list of lists(content)) {
    if (list.every(isRecord) && list.length > 0) {
      const keys = Object.keys(list[0] as Datapoint);
      const last = keys[keys.length - 1];
      return last === undefined ? undefined : { [plotId]: last };
    }
  }
  return undefined;
}

/** `_infer_x_y`: x and y as {file: fields} maps. */
function inferAxes(plotId: string, props: PlotProps, data: ReadonlyMap<string, JsonValue>): { x: FileFields | undefined; y: FileFields | undefined } {
  let x: FileFields | undefined = isFileMap(props.x) ? props.x : undefined;
  if (typeof props.x === 'string') {
    const field = props.x;
    if (isFileMap(props.y)) x = Object.fromEntries(Object.entries(props.y).map(([file, fields]) => [file, Array.isArray(fields) ? fields.map(() => field) : field]));
    else x = { [plotId]: field };
  }
  let y: FileFields | undefined;
  if (props.y === undefined) y = inferY(plotId, data);
  else y = isFileMap(props.y) ? props.y : { [plotId]: props.y as string | readonly string[] };
  return { x, y };
}

function labelOf(explicit: string | undefined, axis: FileFields | undefined, fallback: string, several: string): string {
  if (explicit !== undefined) return explicit;
  if (!axis) return fallback;
  const fields = new Set(fileFields(axis).map(([, field]) => field));
  return fields.size === 1 ? [...fields][0]! : several;
}

function verifyField(points: ReadonlyMap<string, Datapoint[]>, file: string, field: string): void {
  const list = points.get(file);
  if (!list) return;
  const first = list[0];
  if (!first) throw new PlotError('bad-definition', `'${file}' has no records to take '${field}' from`);
  if (!(field in first)) throw new PlotError('bad-definition', `Could not find provided field ('${field}') in data fields ('${Object.keys(first).join(', ')}') of '${file}'.`);
}

/** Python's os.path.commonpath length for POSIX paths. */
function commonPathLength(paths: readonly string[]): number {
  const split = paths.map((p) => p.split('/'));
  const common: string[] = [];
  for (let i = 0; ; i++) {
    const part = split[0]![i];
    if (part === undefined || !split.every((s) => s[i] === part)) break;
    common.push(part);
  }
  return common.join('/').length;
}

function shortName(file: string, prefixLength: number): string {
  return file.slice(prefixLength).replace(/^[/\\]+|[/\\]+$/g, '');
}

/** One revision's datapoints of one plot (throws a `bad-definition` PlotError where DVC raises). */
export function convert(plotId: string, props: PlotProps, data: ReadonlyMap<string, JsonValue>, rev: string): Converted {
  const axes = inferAxes(plotId, props, data);
  const points = new Map([...data].map(([file, content]) => [file, fileDatapoints(content)]));
  const xs = fileFields(axes.x);
  xs.forEach(([file, field]) => verifyField(points, file, field));
  const ys = fileFields(axes.y);
  ys.forEach(([file, field]) => verifyField(points, file, field));
  const multipleX = xs.length > 1 && new Set(xs.map(([, f]) => f)).size > 1;
  if (xs.length > 1 && xs.length !== ys.length) throw new PlotError('bad-definition', `Cannot have different number of x and y data sources. Found ${xs.length} x and ${ys.length} y data sources.`);
  const yFields = new Set(ys.map(([, f]) => f));
  const yFiles = new Set(ys.map(([file]) => file));
  const prefix = yFiles.size > 1 ? commonPathLength([...yFiles]) : 0;
  const xLabel = labelOf(props.x_label, axes.x, INDEX, 'x');
  const yLabel = labelOf(props.y_label, axes.y, '', 'y');
  const yDefinitions = ys.map(([file, field]) => ({ filename: shortName(file, prefix), field }));
  const all: Datapoint[] = [];
  let [xFile, xField] = xs[0] ?? [undefined, INDEX];
  ys.forEach(([yFile, yField], i) => {
    if (xs.length > 1) [xFile, xField] = xs[i]!;
    const datapoints = (points.get(yFile) ?? []).map((d) => ({ ...d }));
    if (yFields.size > 1) for (const d of datapoints) if (yField in d) d[INFERRED_Y] = d[yField]!;
    if (xFile === undefined) datapoints.forEach((d, index) => (d[INDEX] = index));
    else {
      const source = points.get(xFile) ?? [];
      if (source.length !== datapoints.length) throw new PlotError('bad-definition', `Cannot join '${xField}' from '${xFile}' and '${yField}' from '${yFile}'. They have to have same length.`);
      const target = multipleX ? INFERRED_X : xField;
      datapoints.forEach((d, index) => {
        const from = source[index]!;
        if (xField in from) d[target] = from[xField]!;
      });
    }
    for (const d of datapoints) Object.assign(d, { rev, filename: shortName(yFile, prefix), field: yField });
    all.push(...datapoints);
  });
  return { datapoints: all, x: multipleX ? INFERRED_X : xField, y: yFields.size > 1 ? INFERRED_Y : ([...yFields][0] ?? ''), xLabel, yLabel, yDefinitions };
}

/**
 * `_update_datapoints` of every built-in template: one source keeps neither `filename` nor
 * `field`; several keep the one that varies, or join both into `filename::field`.
 */
export function seriesKeyOf(yDefinitions: readonly YDefinition[]): SeriesKey | undefined {
  if (yDefinitions.length <= 1) return undefined;
  const varies = (key: keyof YDefinition): boolean => new Set(yDefinitions.map((d) => d[key])).size > 1;
  const filename = varies('filename');
  const field = varies('field');
  if (filename && field) return 'filename::field';
  if (filename) return 'filename';
  if (field) return 'field';
  return undefined;
}

export function finishDatapoints(datapoints: Datapoint[], series: SeriesKey | undefined): void {
  for (const d of datapoints) {
    if (series === 'filename::field') d['filename::field'] = `${String(d['filename'])}::${String(d['field'])}`;
    if (series !== 'filename') delete d['filename'];
    if (series !== 'field') delete d['field'];
  }
}
