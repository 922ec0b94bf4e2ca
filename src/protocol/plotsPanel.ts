/**
 * Messages between the host and the Plots panel webview, validated on both sides: the host
 * checks what the webview asks ({@link parseFromWebview}), the webview checks what it is sent
 * ({@link parseToWebview}) before rendering it — a malformed snapshot is an error shown, never a
 * half-drawn panel.
 */
import type { PanelPlot, PanelProblem, PanelRevision, PlotsModel, PlotsRequest } from '../core/plots/model.js';
export type { BarPlot, ConfusionMatrix, ConfusionPlot, ImageCell, ImageGroupPlot, PanelPlot, PanelProblem, PanelRevision, PlotsModel, PlotsRequest, UnsupportedPlot, XYPlot, XYSeries } from '../core/plots/model.js';

/** View state kept by the webview (setState) and restored with the panel. */
export interface PlotsViewState {
  /** Step shown per image group id. */
  readonly steps: Readonly<Record<string, number>>;
  /** Smoothing (0–0.99) per smooth plot id. */
  readonly smoothing: Readonly<Record<string, number>>;
  /** Revision ids hidden by the legend. */
  readonly hidden: readonly string[];
}

export const DEFAULT_PLOTS_VIEW: PlotsViewState = { steps: {}, smoothing: {}, hidden: [] };

export interface PlotsWebviewState {
  readonly request: PlotsRequest;
  readonly view: PlotsViewState;
}

export type ToWebview =
  | { readonly type: 'loading'; readonly title: string }
  | { readonly type: 'snapshot'; readonly request: PlotsRequest; readonly model: PlotsModel }
  | { readonly type: 'image'; readonly key: string; readonly dataUri: string }
  | { readonly type: 'imageError'; readonly key: string; readonly reason: string; readonly message: string }
  | { readonly type: 'error'; readonly message: string };

export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'loadImage'; readonly key: string }
  | { readonly type: 'refresh' }
  | { readonly type: 'chooseRevisions' };

const LIMIT = { text: 10_000, list: 100_000, revisions: 500 } as const;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max: number = LIMIT.text): v is string => typeof v === 'string' && v.length <= max;
const isImageKey = (v: unknown): v is string => typeof v === 'string' && /^img\d{1,9}$/.test(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const listOf = <T>(v: unknown, item: (x: unknown) => x is T, max: number = LIMIT.list): v is T[] => Array.isArray(v) && v.length <= max && v.every(item);
const optional = <T>(v: unknown, check: (x: unknown) => x is T): boolean => v === undefined || check(v);

export function parseFromWebview(message: unknown): FromWebview | undefined {
  if (!isObject(message)) return undefined;
  switch (message.type) {
    case 'ready':
    case 'refresh':
    case 'chooseRevisions':
      return { type: message.type };
    case 'loadImage':
      return isImageKey(message.key) ? { type: 'loadImage', key: message.key } : undefined;
    default:
      return undefined;
  }
}

export function isPlotsRequest(v: unknown): v is PlotsRequest {
  if (!isObject(v)) return false;
  const id = (x: unknown): x is string => isText(x, 500) && x.length > 0;
  return optional(v.dvcRoot, (x): x is string => isText(x, 4096)) && optional(v.revisions, (x): x is string[] => listOf(x, id, LIMIT.revisions)) && optional(v.mlflowRunIds, (x): x is string[] => listOf(x, id, LIMIT.revisions));
}

const isProblem = (v: unknown): v is PanelProblem => isObject(v) && isText(v.reason, 100) && isText(v.message) && optional(v.rev, isText) && optional(v.source, isText);

const isRevision = (v: unknown): v is PanelRevision =>
  isObject(v) && isText(v.id, 600) && isText(v.label, 600) && isText(v.detail) && ['workspace', 'commit', 'experiment', 'mlflow-run'].includes(v.kind as string) && Number.isInteger(v.color) && (v.color as number) >= 0;

const numbers = (v: unknown): v is number[] => listOf(v, isFiniteNumber, 10_000_000);
const matrix = (v: unknown): v is number[][] => listOf(v, numbers, 10_000);
const texts = (v: unknown): v is string[] => listOf(v, (x): x is string => isText(x));

function isPlot(v: unknown): v is PanelPlot {
  if (!isObject(v) || !isText(v.id) || !isText(v.title) || !isText(v.template, 200) || !isText(v.origin, 200) || !listOf(v.problems, isProblem)) return false;
  switch (v.kind) {
    case 'unsupported':
      return true;
    case 'xy':
      return (
        (v.mark === 'line' || v.mark === 'point') &&
        typeof v.smooth === 'boolean' &&
        isText(v.xLabel) &&
        isText(v.yLabel) &&
        listOf(v.series, (s): s is object => isObject(s) && isText(s.rev) && optional(s.name, isText) && Number.isInteger(s.dash) && numbers(s.x) && numbers(s.y) && (s.x as number[]).length === (s.y as number[]).length)
      );
    case 'confusion':
      return (
        typeof v.normalized === 'boolean' &&
        isText(v.xLabel) &&
        isText(v.yLabel) &&
        listOf(v.matrices, (m): m is object => {
          if (!isObject(m) || !isText(m.rev) || !texts(m.columns) || !texts(m.rows) || !matrix(m.counts) || !matrix(m.values)) return false;
          const fits = (g: number[][]): boolean => g.length === (m.rows as string[]).length && g.every((row) => row.length === (m.columns as string[]).length);
          return fits(m.counts as number[][]) && fits(m.values as number[][]);
        })
      );
    case 'bars':
      return isText(v.xLabel) && isText(v.yLabel) && listOf(v.groups, (g): g is object => isObject(g) && isText(g.rev) && listOf(g.bars, (b): b is object => isObject(b) && isText(b.label) && isFiniteNumber(b.value)));
    case 'images':
      return (
        numbers(v.steps) &&
        texts(v.columns) &&
        listOf(v.cells, (c): c is object => isObject(c) && isText(c.rev) && isImageKey(c.key) && isText(c.name) && isFiniteNumber(c.bytes) && optional(c.step, isFiniteNumber))
      );
    default:
      return false;
  }
}

export function isPlotsModel(v: unknown): v is PlotsModel {
  return isObject(v) && isText(v.title) && listOf(v.revisions, isRevision, LIMIT.revisions) && listOf(v.plots, isPlot, 10_000) && listOf(v.problems, isProblem);
}

/** The webview's check of what the host sends; undefined for anything it may not. */
export function parseToWebview(message: unknown): ToWebview | undefined {
  if (!isObject(message)) return undefined;
  switch (message.type) {
    case 'loading':
      return isText(message.title) ? { type: 'loading', title: message.title } : undefined;
    case 'snapshot':
      return isPlotsRequest(message.request) && isPlotsModel(message.model) ? { type: 'snapshot', request: message.request, model: message.model } : undefined;
    case 'image':
      return isImageKey(message.key) && typeof message.dataUri === 'string' && /^data:image\/(png|jpeg|gif|svg\+xml);base64,[A-Za-z0-9+/=]*$/.test(message.dataUri) ? { type: 'image', key: message.key, dataUri: message.dataUri } : undefined;
    case 'imageError':
      return isImageKey(message.key) && isText(message.reason, 100) && isText(message.message) ? { type: 'imageError', key: message.key, reason: message.reason, message: message.message } : undefined;
    case 'error':
      return isText(message.message) ? { type: 'error', message: message.message } : undefined;
    default:
      return undefined;
  }
}

export function parsePlotsState(v: unknown): PlotsWebviewState | undefined {
  if (!isObject(v) || !isPlotsRequest(v.request)) return undefined;
  const view = isObject(v.view) ? v.view : {};
  const numberRecord = (x: unknown): Record<string, number> => (isObject(x) ? Object.fromEntries(Object.entries(x).filter((e): e is [string, number] => isFiniteNumber(e[1])).slice(0, 1000)) : {});
  const hidden = Array.isArray(view.hidden) ? view.hidden.filter((s): s is string => isText(s, 600)).slice(0, LIMIT.revisions) : [];
  return { request: v.request, view: { steps: numberRecord(view.steps), smoothing: numberRecord(view.smoothing), hidden } };
}
