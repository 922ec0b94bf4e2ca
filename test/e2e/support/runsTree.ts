/**
 * Helpers for driving the Runs view beyond what workbench.ts offers: rows addressed by their path
 * of labels (the same label, e.g. "Metrics", appears under every expanded run), row descriptions
 * and icons, the quick input's validation message, the text of the active editor, and expected
 * values from MLflow's own Python client.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { env, pythonEnv } from '../../support/python';
import type { Workbench } from './workbench';

const execFileAsync = promisify(execFile);

/** One rendered tree row, as the user sees it. */
export interface Row {
  /** Display position (rows are recycled, so DOM order is not display order). */
  readonly index: number;
  readonly label: string;
  readonly description: string;
  readonly level: number;
  /** undefined for a leaf. */
  readonly expanded: boolean | undefined;
  readonly selected: boolean;
  readonly ariaLabel: string;
  /** Class list of the row's icon (codicon-sync codicon-modifier-spin, codicon-pass…). */
  readonly icon: string;
}

export function pane(workbench: Workbench, view: string): Locator {
  return workbench.page.locator('.part.sidebar .pane', { has: workbench.page.locator('.pane-header h3.title', { hasText: exact(view) }) });
}

/** Rendered rows of the view, in display order. */
export async function rows(workbench: Workbench, view: string): Promise<Row[]> {
  const found = await pane(workbench, view)
    .locator('.monaco-list-row[role="treeitem"]')
    .evaluateAll((elements) =>
      elements.map((row) => ({
        index: Number(row.getAttribute('data-index')),
        label: row.querySelector('.label-name')?.textContent?.trim() ?? '',
        description: row.querySelector('.label-description')?.textContent?.trim() ?? '',
        level: Number(row.getAttribute('aria-level')),
        expanded: row.getAttribute('aria-expanded') === null ? undefined : row.getAttribute('aria-expanded') === 'true',
        selected: row.getAttribute('aria-selected') === 'true',
        ariaLabel: row.getAttribute('aria-label') ?? '',
        icon: row.querySelector('.custom-view-tree-node-item-icon')?.className ?? '',
      })),
    );
  return found.sort((a, b) => a.index - b.index);
}

/** The row reached by following `path` (labels from a top-level row down), or undefined. */
export function findPath(all: readonly Row[], path: readonly string[]): Row | undefined {
  let start = 0;
  let end = all.length;
  let level = all[0]?.level ?? 1;
  let found: Row | undefined;
  for (const label of path) {
    found = undefined;
    for (let i = start; i < end; i++) {
      const row = all[i]!;
      if (row.level === level && row.label === label) {
        found = row;
        start = i + 1;
        end = subtreeEnd(all, i);
        break;
      }
    }
    if (!found) return undefined;
    level = found.level + 1;
  }
  return found;
}

function subtreeEnd(all: readonly Row[], at: number): number {
  const level = all[at]!.level;
  let i = at + 1;
  while (i < all.length && all[i]!.level > level) i++;
  return i;
}

/** Rows directly below the row at `path`. */
export function childrenOf(all: readonly Row[], path: readonly string[]): Row[] {
  const parent = findPath(all, path);
  if (!parent) throw new Error(`no row ${path.join(' › ')} in ${JSON.stringify(all.map((r) => `${'  '.repeat(r.level - 1)}${r.label}`))}`);
  const at = all.indexOf(parent);
  return all.slice(at + 1, subtreeEnd(all, at)).filter((row) => row.level === parent.level + 1);
}

export function rowLocator(workbench: Workbench, view: string, row: Row): Locator {
  return pane(workbench, view).locator(`.monaco-list-row[role="treeitem"][data-index="${row.index}"]`);
}

/** Polls `read` until `accept` holds (returns that value) or `timeoutMs` passes (returns the last value). */
export async function poll<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    value = await read();
  }
  return value;
}

/** The row at `path`, waiting until it is rendered. */
export async function waitForPath(workbench: Workbench, view: string, path: readonly string[], timeoutMs = 30_000): Promise<Row> {
  const all = await poll(() => rows(workbench, view), (value) => findPath(value, path) !== undefined, timeoutMs);
  const row = findPath(all, path);
  if (!row) throw new Error(`row ${path.join(' › ')} did not appear within ${timeoutMs} ms; rows: ${JSON.stringify(all.map((r) => `${'  '.repeat(r.level - 1)}${r.label}`))}`);
  return row;
}

/** Expands the row at `path` (if collapsed) and waits for its first child row. */
export async function expandPath(workbench: Workbench, view: string, path: readonly string[]): Promise<void> {
  const row = await waitForPath(workbench, view, path);
  if (row.expanded !== true) {
    await parkMouse(workbench.page);
    await rowLocator(workbench, view, row).locator('.monaco-tl-twistie').click();
    await parkMouse(workbench.page);
  }
  const all = await poll(() => rows(workbench, view), (value) => {
    const found = findPath(value, path);
    return found?.expanded === true && childrenOf(value, path).length > 0;
  });
  if (childrenOf(all, path).length === 0) throw new Error(`${path.join(' › ')} shows no children after expanding`);
}

/** Clicks the label of the row at `path` (with modifiers for multi-select). */
export async function clickPath(workbench: Workbench, view: string, path: readonly string[], modifiers: ('ControlOrMeta' | 'Shift')[] = []): Promise<void> {
  await parkMouse(workbench.page);
  const row = await waitForPath(workbench, view, path);
  await rowLocator(workbench, view, row).locator('.label-name').click({ modifiers });
  await parkMouse(workbench.page);
}

/**
 * Moves the pointer off the side bar: a pointer resting on a row opens the row's tooltip after a
 * moment, and that hover can cover the next row to click (seen with "Load more runs…").
 */
export async function parkMouse(page: Page): Promise<void> {
  const size = page.viewportSize() ?? { width: 1400, height: 900 };
  await page.mouse.move(Math.round(size.width * 0.7), Math.round(size.height * 0.85));
}

/** The view's description in its pane header ('' when none). */
export async function viewDescription(workbench: Workbench, view: string): Promise<string> {
  const description = pane(workbench, view).locator('.pane-header span.description');
  return (await description.count()) > 0 ? ((await description.first().textContent()) ?? '').trim() : '';
}

/** Collapses every row of the view (its Collapse All title action). */
export async function collapseAll(workbench: Workbench, view: string): Promise<void> {
  const header = pane(workbench, view).locator('.pane-header');
  await header.hover();
  await header.locator('a.action-label[aria-label="Collapse All"]').click();
  await parkMouse(workbench.page);
  await poll(() => rows(workbench, view), (value) => value.every((row) => row.level === 1 && row.expanded !== true), 10_000);
}

/** The editor tab of a file named `name` (tabs split the name: label "accuracy", suffix ".csv"). */
export function fileTab(page: Page, name: string): Locator {
  return page.locator(`.tabs-container .tab[data-resource-name="${name.replace(/["\\]/g, '\\$&')}"]`).first();
}

export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget .quick-input-box input');
}

/** Text of the quick input's title bar. */
export async function quickInputTitle(page: Page): Promise<string> {
  return ((await page.locator('.quick-input-widget .quick-input-title').textContent()) ?? '').trim();
}

/** The quick input's validation message ('' when none is shown). */
export async function quickInputMessage(page: Page): Promise<string> {
  const message = page.locator('.quick-input-widget .quick-input-message');
  if (!(await message.isVisible())) return '';
  return ((await message.textContent()) ?? '').trim();
}

/** Chooses the quick pick item with this label and description (e.g. "metrics.accuracy", "descending"). */
export async function pickQuickItemWith(page: Page, label: string, description: string, filterText = label): Promise<void> {
  const input = quickInput(page);
  await input.waitFor({ state: 'visible' });
  await page.waitForFunction((element) => !String((element as unknown as { value?: string } | null)?.value ?? '>').startsWith('>'), await input.elementHandle());
  await input.fill(filterText);
  await page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact(label) }) })
    .filter({ has: page.locator('.label-description', { hasText: exact(description) }) })
    .first()
    .click();
}

/**
 * Runs `Category: Title` from the palette when the palette offers it (its `when` clause holds);
 * returns whether it ran. For resetting state whatever an earlier step left.
 */
export async function tryCommand(page: Page, command: string, waitMs = 3_000): Promise<boolean> {
  const input = quickInput(page);
  await page.keyboard.press('F1');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${command}`);
  const item = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact(command) }) }).first();
  try {
    await item.waitFor({ state: 'visible', timeout: waitMs });
  } catch {
    await page.keyboard.press('Escape');
    return false;
  }
  await item.click();
  return true;
}

/** Lines of the active editor as rendered (Monaco renders what fits: keep documents short). */
export async function editorLines(page: Page): Promise<string[]> {
  const lines = await page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line').evaluateAll((elements) =>
    elements.map((line) => ({ top: parseFloat((line as unknown as { style: { top: string } }).style.top || '0'), text: (line.textContent ?? '').replace(/\u00a0/g, ' ') })),
  );
  return lines.sort((a, b) => a.top - b.top).map((line) => line.text);
}

/** The ready webview frame whose body text contains `text` (several webviews may be open). */
export async function webviewContaining(page: Page, text: string, timeoutMs = 30_000): Promise<FrameLocator> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const count = await page.locator('iframe.webview.ready').count();
    for (let i = count - 1; i >= 0; i--) {
      const frame = page.frameLocator(`iframe.webview.ready >> nth=${i}`).frameLocator('iframe#active-frame');
      const body = await frame.locator('body').innerText({ timeout: 2_000 }).catch(() => '');
      if (body.includes(text)) return frame;
    }
    await page.waitForTimeout(500);
  }
  throw new Error(`no webview shows "${text}" within ${timeoutMs} ms`);
}

export function exact(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

// ---------------------------------------------------------------------------------------------
// Expected values from MLflow's own client.

export type ReferenceQuery =
  | { readonly kind: 'runs'; readonly experiment: string; readonly filter?: string; readonly orderBy?: readonly string[]; readonly viewType?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL'; readonly maxResults?: number }
  | { readonly kind: 'history'; readonly runId: string; readonly key: string }
  | { readonly kind: 'artifact'; readonly runId: string; readonly path: string };

export interface ReferenceRun {
  readonly id: string;
  readonly name: string;
  readonly parent: string | null;
  readonly status: string;
  readonly lifecycle: string;
  readonly params: Readonly<Record<string, string>>;
}

export interface ReferencePoint {
  readonly step: number;
  readonly timestamp: number;
  /** repr() of the float, or NaN / Infinity / -Infinity. */
  readonly value: string;
}

export interface ReferenceAnswer {
  readonly runs?: readonly ReferenceRun[];
  readonly history?: readonly ReferencePoint[];
  readonly text?: string;
  /** MLflow's exception message when the call raised. */
  readonly error?: string;
}

const REFERENCE = `
import json, math, sys, tempfile, warnings
warnings.simplefilter("ignore")
from mlflow.tracking import MlflowClient
from mlflow.entities import ViewType
client = MlflowClient(tracking_uri=sys.argv[1])
VIEWS = {"ACTIVE_ONLY": ViewType.ACTIVE_ONLY, "DELETED_ONLY": ViewType.DELETED_ONLY, "ALL": ViewType.ALL}
def number(v):
    if math.isnan(v): return "NaN"
    if math.isinf(v): return "Infinity" if v > 0 else "-Infinity"
    return repr(float(v))
answers = []
for q in json.load(sys.stdin):
    try:
        if q["kind"] == "runs":
            experiment = client.get_experiment_by_name(q["experiment"])
            runs, token = [], None
            while True:
                page = client.search_runs([experiment.experiment_id], filter_string=q.get("filter") or "",
                                          run_view_type=VIEWS[q.get("viewType") or "ACTIVE_ONLY"],
                                          max_results=q.get("maxResults") or 1000, order_by=q.get("orderBy"), page_token=token)
                runs.extend(page)
                token = page.token
                if not token or q.get("maxResults"):
                    break
            answers.append({"runs": [{"id": r.info.run_id, "name": r.info.run_name, "parent": r.data.tags.get("mlflow.parentRunId"),
                                      "status": r.info.status, "lifecycle": r.info.lifecycle_stage, "params": r.data.params} for r in runs]})
        elif q["kind"] == "history":
            points = client.get_metric_history(q["runId"], q["key"])
            answers.append({"history": [{"step": m.step, "timestamp": m.timestamp, "value": number(m.value)} for m in points]})
        elif q["kind"] == "artifact":
            path = client.download_artifacts(q["runId"], q["path"], tempfile.mkdtemp())
            with open(path, encoding="utf-8") as f:
                answers.append({"text": f.read()})
    except Exception as e:
        answers.append({"error": str(e)})
print(json.dumps(answers))
`;

/** Answers of MLflow's client to each query, from one Python process (importing MLflow is slow). */
export async function mlflowAnswers(trackingUri: string, queries: readonly ReferenceQuery[]): Promise<ReferenceAnswer[]> {
  const python = await pythonEnv();
  const child = execFileAsync(python.python, ['-c', REFERENCE, trackingUri], { env: env(python), maxBuffer: 64 << 20 });
  child.child.stdin?.end(JSON.stringify(queries));
  const { stdout } = await child;
  return JSON.parse(stdout.trim().split('\n').pop() ?? '[]') as ReferenceAnswer[];
}

/** Runs as the view nests them: a run whose parent is in the listing hangs below it. */
export interface Nested {
  readonly topLevel: string[];
  readonly children: Record<string, string[]>;
}

export function nest(runs: readonly ReferenceRun[]): Nested {
  const ids = new Map(runs.map((run) => [run.id, run.name]));
  const topLevel: string[] = [];
  const children: Record<string, string[]> = {};
  for (const run of runs) {
    const parent = run.parent && run.parent !== run.id ? ids.get(run.parent) : undefined;
    if (parent !== undefined) (children[parent] ??= []).push(run.name);
    else topLevel.push(run.name);
  }
  return { topLevel, children };
}

/** A metric value as MLflow's repr or the CSV prints it, as a number (NaN for nan/NaN). */
export function metricNumber(text: string): number {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'nan') return Number.NaN;
  if (trimmed === 'inf' || trimmed === 'infinity') return Number.POSITIVE_INFINITY;
  if (trimmed === '-inf' || trimmed === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number(text);
}
