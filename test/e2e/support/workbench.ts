/**
 * A real VS Code workbench (code-server) with the packaged extension installed, driven by Debian's
 * Chromium through playwright-core. Every instance lives in its own throwaway folders and is
 * stopped by `stop()`, which `withWorkbench` calls even when the test fails.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { extensionHostLogs, installVsix, makeSandbox, REPO_ROOT, startServer, writeUserSettings, type RunningServer, type Sandbox } from './codeServer';
import { killGroup, onProcessExit, pidsMentioning, stopPid } from './processes';

export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'e2e');
const CHROMIUM = process.env.ML_WORKBENCH_CHROMIUM ?? '/usr/bin/chromium';
/** Exactly the flags of the probed recipe (VSCODE-E2E.md). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Per UI step; generous because CI machines here have 2 cores shared with other jobs. */
const TIMEOUT_MS = 30_000;

export interface WorkbenchOptions {
  /** Folder opened in the workbench, or a `.code-workspace` file (a multi-root workspace). */
  readonly workspace: string;
  /** The packaged extension to install. */
  readonly vsix: string;
  /** Trusted workspace (default) or restricted mode. */
  readonly trust?: boolean;
  /** Extra user settings, applied last. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Color theme; fixed so screenshots compare. */
  readonly theme?: string;
  /** User keybindings (keybindings.json entries). */
  readonly keybindings?: readonly Readonly<Record<string, unknown>>[];
  /** Environment variables of code-server (and so of the extension host) to set, or to remove (undefined). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface TreeItem {
  readonly label: string;
  readonly level: number;
  /** undefined for a leaf. */
  readonly expanded: boolean | undefined;
}

export async function startWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: run scripts/apt-deps.sh (installs Debian's chromium)`);
  const trust = options.trust ?? true;
  const sandbox = makeSandbox(mkdtempSync(join(tmpdir(), 'mlwb-e2e-')));
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete sandbox.env[name];
    else sandbox.env[name] = value;
  }
  const workbench = new Workbench(sandbox);
  try {
    writeUserSettings(sandbox, {
      trust,
      theme: options.theme ?? 'Default Dark Modern',
      ...(options.settings ? { settings: options.settings } : {}),
      ...(options.keybindings ? { keybindings: options.keybindings } : {}),
    });
    installVsix(sandbox, options.vsix);
    await workbench.open(options.workspace, trust);
    return workbench;
  } catch (error) {
    await workbench.stop();
    throw error;
  }
}

/**
 * Runs `body` against a fresh workbench; on failure prints the diagnostics (extension host log,
 * server output, browser console) and a screenshot path, then rethrows. Always stops everything.
 */
export async function withWorkbench<T>(name: string, options: WorkbenchOptions, body: (workbench: Workbench) => Promise<T>): Promise<T> {
  const workbench = await startWorkbench(options);
  try {
    return await body(workbench);
  } catch (error) {
    const shot = await workbench.screenshot(`${name}-failure`).catch((e: unknown) => `(no screenshot: ${String(e)})`);
    console.error(`\n[e2e ${name}] failed; screenshot: ${shot}\n${workbench.diagnostics()}`);
    throw error;
  } finally {
    await workbench.stop();
  }
}

export class Workbench {
  private server: RunningServer | undefined;
  private context: BrowserContext | undefined;
  private pageValue: Page | undefined;
  private readonly console: string[] = [];
  private stopped = false;
  private readonly forgetExitHook: () => void;

  constructor(readonly sandbox: Sandbox) {
    this.forgetExitHook = onProcessExit(() => this.killNow());
  }

  get page(): Page {
    if (!this.pageValue) throw new Error('workbench not open');
    return this.pageValue;
  }

  get url(): string {
    if (!this.server) throw new Error('workbench not started');
    return this.server.url;
  }

  /** @internal started by `startWorkbench`. */
  async open(workspace: string, trust: boolean): Promise<void> {
    this.server = await startServer(this.sandbox, workspace, trust);
    this.context = await chromium.launchPersistentContext(this.sandbox.browserProfile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      env: this.sandbox.env as Record<string, string>,
      viewport: { width: 1400, height: 900 },
    });
    const page = this.context.pages()[0] ?? (await this.context.newPage());
    page.setDefaultTimeout(TIMEOUT_MS);
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') this.console.push(`[${message.type()}] ${message.text()}`);
    });
    page.on('pageerror', (error) => this.console.push(`[pageerror] ${error.message}`));
    this.pageValue = page;
    // A multi-root workspace is a .code-workspace file: code-server opens it with ?workspace=.
    const key = workspace.endsWith('.code-workspace') ? 'workspace' : 'folder';
    await page.goto(`${this.url}/?${new URLSearchParams({ [key]: workspace })}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  }

  /** Shows the view container whose activity-bar icon's aria-label starts with `title`. */
  async openContainer(title: string): Promise<void> {
    const link = `a[aria-label^="${cssString(title)}"]`;
    const item = this.page.locator('.part.activitybar .action-item', { has: this.page.locator(link) }).first();
    const icon = item.locator(link);
    // Clicking the icon of the container already shown would hide the side bar.
    if (!(await item.getAttribute('class'))?.split(/\s+/).includes('checked')) await icon.click();
    await this.page.locator('.part.sidebar').waitFor({ state: 'visible' });
  }

  /** Rows of the side bar's trees; `view` restricts them to the pane titled so. */
  treeRows(view?: string): Locator {
    const scope = view
      ? this.page.locator('.part.sidebar .pane', { has: this.page.locator('.pane-header h3.title', { hasText: exact(view) }) })
      : this.page.locator('.part.sidebar');
    return scope.locator('.monaco-list-row[role="treeitem"]');
  }

  /** Labels of the rendered tree rows, in order (a virtualized tree renders what fits). */
  async treeRowLabels(view?: string): Promise<string[]> {
    const texts = await this.treeRows(view).locator('.label-name').allTextContents();
    return texts.map((text) => text.trim());
  }

  /** Rendered rows with their depth (aria-level, 1 = top) and expansion state, in display order. */
  async treeItems(view?: string): Promise<TreeItem[]> {
    // Rows are recycled and positioned absolutely, so DOM order is not display order: data-index is.
    const rows = await this.treeRows(view).evaluateAll((elements) =>
      elements.map((row) => ({
        index: Number(row.getAttribute('data-index')),
        label: row.querySelector('.label-name')?.textContent?.trim() ?? '',
        level: Number(row.getAttribute('aria-level')),
        expanded: row.getAttribute('aria-expanded') === null ? undefined : row.getAttribute('aria-expanded') === 'true',
      })),
    );
    return rows.sort((a, b) => a.index - b.index).map(({ label, level, expanded }) => ({ label, level, expanded }));
  }

  treeRow(label: string, view?: string): Locator {
    return this.treeRows(view).filter({ has: this.page.locator('.label-name', { hasText: exact(label) }) }).first();
  }

  /**
   * Expands the row labelled `label` and waits until its first child row is shown (an expanded row
   * with no children yet is indistinguishable from one still loading: expect at least one).
   */
  async expandRow(label: string, view?: string): Promise<void> {
    const row = this.treeRow(label, view);
    await row.waitFor({ state: 'visible' });
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
    await this.page.waitForFunction((element) => {
      if (!element || element.getAttribute('aria-expanded') !== 'true') return false;
      const index = Number(element.getAttribute('data-index'));
      const level = Number(element.getAttribute('aria-level'));
      const next = element.parentElement?.querySelector(`.monaco-list-row[data-index="${index + 1}"]`);
      return next?.getAttribute('aria-level') === String(level + 1);
    }, await row.elementHandle());
  }

  /** Runs `Category: Title` from the command palette (F1). */
  async runCommand(command: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await this.page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${command}`);
    await this.quickItem(command).click();
  }

  /** Chooses `label` in the open quick pick (typing it first narrows long, virtualized lists). */
  async pickQuickItem(label: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    // The widget is shared: wait until the command palette ('>…') has handed over to the pick.
    await this.page.waitForFunction(
      (element) => !String((element as unknown as { value?: string } | null)?.value ?? '>').startsWith('>'),
      await input.elementHandle(),
    );
    await input.fill(label);
    await this.quickItem(label).click();
  }

  private quickItem(label: string): Locator {
    return this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exact(label) }) })
      .first();
  }

  /** The editor tab titled `title`. */
  tab(title: string): Locator {
    return this.page.locator('.tabs-container .tab', { has: this.page.locator('.label-name', { hasText: exact(title) }) }).first();
  }

  /** The content of the visible webview (the last ready one when several are open). */
  webviewFrame(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready >> nth=-1').frameLocator('iframe#active-frame');
  }

  /** Saves a PNG under test-results/e2e/ and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  extensionHostLog(): string {
    return extensionHostLogs(this.sandbox);
  }

  diagnostics(): string {
    return [
      '----- extension host logs -----',
      this.extensionHostLog() || '(none)',
      '----- code-server output -----',
      this.server?.output() ?? '(not started)',
      '----- browser console (errors, warnings) -----',
      this.console.join('\n') || '(none)',
    ].join('\n');
  }

  /** Closes the browser, stops code-server and removes every throwaway folder. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.race([this.context?.close().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000))]);
    for (const pid of pidsMentioning(this.sandbox.browserProfile)) await stopPid(pid, 2_000);
    if (this.server?.child.pid) await stopPid(this.server.child.pid, 5_000);
    this.forgetExitHook();
    rmSync(this.sandbox.root, { recursive: true, force: true });
  }

  /** Synchronous kill for process exit before `stop()` ran. */
  private killNow(): void {
    if (this.stopped) return;
    for (const pid of pidsMentioning(this.sandbox.browserProfile)) killGroup(pid);
    if (this.server?.child.pid) killGroup(this.server.child.pid);
    rmSync(this.sandbox.root, { recursive: true, force: true });
  }
}

function exact(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

function cssString(text: string): string {
  return text.replace(/["\\]/g, '\\$&');
}
