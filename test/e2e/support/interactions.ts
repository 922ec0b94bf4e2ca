/**
 * What a user does besides clicking rows: context menus on tree rows, modal dialogs, input boxes,
 * notifications, the side bar's collapsible panes; and small MLflow client calls to check what a
 * write left in the store.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { env, pythonEnv } from '../../support/python';
import { exact, pane, poll, quickInput } from './runsTree';
import type { Workbench } from './workbench';

const execFileAsync = promisify(execFile);

/** Right-clicks `row` and chooses the context-menu item titled `title` (the menu lives in a shadow root; Playwright's CSS pierces it). */
export async function contextMenu(page: Page, row: Locator, title: string): Promise<void> {
  await row.click({ button: 'right' });
  const menu = page.locator('.monaco-menu').first();
  const item = menu.locator('.action-menu-item').filter({ has: page.locator('.action-label', { hasText: exact(title) }) }).first();
  await item.waitFor({ state: 'visible' });
  // A mouse click on an item right after the menu opened is sometimes swallowed (the menu stays
  // open, nothing runs): move the keyboard focus onto the item and press Enter instead.
  const focused = menu.locator('.action-item.focused .action-label');
  const focusedTitle = async (): Promise<string> => ((await focused.count()) > 0 ? ((await focused.first().textContent()) ?? '').trim() : '');
  await item.hover();
  for (let i = 0; i < 30 && (await focusedTitle()) !== title; i++) await page.keyboard.press('ArrowDown');
  if ((await focusedTitle()) !== title) throw new Error(`context menu item "${title}" did not take the focus (focused: "${await focusedTitle()}")`);
  await page.keyboard.press('Enter');
  await menu.waitFor({ state: 'hidden' });
}

/** Titles of the context menu `row` opens (closes it again with Escape). */
export async function contextMenuTitles(page: Page, row: Locator): Promise<string[]> {
  await row.click({ button: 'right' });
  const labels = page.locator('.monaco-menu .action-menu-item .action-label');
  await labels.first().waitFor({ state: 'visible' });
  const titles = (await labels.allTextContents()).map((t) => t.trim()).filter(Boolean);
  await page.keyboard.press('Escape');
  return titles;
}

/** The open modal dialog: its message text, and a click on the button labelled `button`. */
export async function answerDialog(page: Page, button: string): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box').first();
  await dialog.waitFor({ state: 'visible' });
  const message = ((await dialog.locator('.dialog-message-text').textContent()) ?? '').trim();
  await dialog.locator('.dialog-buttons .monaco-button', { hasText: exact(button) }).first().click();
  await dialog.waitFor({ state: 'hidden' });
  return message;
}

/** Types `value` into the open input box (replacing its content) and presses Enter. */
export async function submitInput(page: Page, value: string): Promise<void> {
  const input = quickInput(page);
  await input.waitFor({ state: 'visible' });
  await input.fill(value);
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden' });
}

/** The notification toast whose message contains `text` (waits for it). */
export async function notification(page: Page, text: string | RegExp, timeoutMs = 60_000): Promise<Locator> {
  const toast = page.locator('.notification-toast, .notifications-center .notification-list-item').filter({ has: page.locator('.notification-list-item-message', { hasText: text }) }).first();
  await toast.waitFor({ state: 'visible', timeout: timeoutMs });
  return toast;
}

/** Messages of the notifications shown now (toasts). */
export async function notificationMessages(page: Page): Promise<string[]> {
  return (await page.locator('.notification-toast .notification-list-item-message').allTextContents()).map((t) => t.trim());
}

/** Expands (or collapses) the side-bar pane titled `view`. */
export async function setPaneExpanded(workbench: Workbench, view: string, expanded: boolean): Promise<void> {
  const header = pane(workbench, view).locator('.pane-header').first();
  await header.waitFor({ state: 'visible' });
  if ((await header.getAttribute('aria-expanded')) !== String(expanded)) await header.click();
  await poll(() => header.getAttribute('aria-expanded'), (value) => value === String(expanded), 10_000);
}

/**
 * Runs `body` (Python, dedented) with `client` = MlflowClient on `uri` (tracking and registry),
 * `args` = the extra arguments and `out(value)` printing the JSON answer; returns that answer.
 */
export async function mlflowClient<T>(uri: string, body: string, ...args: string[]): Promise<T> {
  const script = [
    'import json, sys, warnings',
    'warnings.simplefilter("ignore")',
    'from mlflow import MlflowClient',
    'client = MlflowClient(tracking_uri=sys.argv[1], registry_uri=sys.argv[1])',
    'args = sys.argv[2:]',
    'def out(value):',
    '    print("\\n" + json.dumps(value))',
    body,
  ].join('\n');
  const python = await pythonEnv();
  const { stdout } = await execFileAsync(python.python, ['-c', script, uri, ...args], { env: env(python), maxBuffer: 16 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? 'null') as T;
}
