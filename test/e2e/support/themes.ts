/**
 * Color themes and window sizes for screenshots: every screen is judged at 1600×1000 and at a
 * laptop's 1280×800, in dark, light and high contrast (DESIGN.md). `setTheme` switches the theme
 * through the theme picker as a user does; `screenshotVariants` shoots one screen in all of them and
 * leaves the workbench dark at 1600×1000.
 */
import assert from 'node:assert/strict';
import { poll, quickInput } from './runsTree';
import type { Workbench } from './workbench';

export const DARK = 'Default Dark Modern';
export const LIGHT = 'Default Light Modern';
export const HC_DARK = 'Default High Contrast';
export const HC_LIGHT = 'Default High Contrast Light';

/** The workbench's theme class of each theme, and its label in the theme picker. */
const THEMES: Readonly<Record<string, { label: string; kind: string }>> = {
  [DARK]: { label: 'Dark Modern', kind: 'vs-dark' },
  [LIGHT]: { label: 'Light Modern', kind: 'vs' },
  [HC_DARK]: { label: 'Dark High Contrast', kind: 'hc-black' },
  [HC_LIGHT]: { label: 'Light High Contrast', kind: 'hc-light' },
};

export interface ScreenVariant {
  readonly name: string;
  readonly theme: string;
  readonly width: number;
  readonly height: number;
}

/** The six looks of a screen: dark, light and high contrast at 1600×1000 and at 1280×800. */
export const ALL_VARIANTS: readonly ScreenVariant[] = [
  { name: 'dark', theme: DARK, width: 1600, height: 1000 },
  { name: 'light', theme: LIGHT, width: 1600, height: 1000 },
  { name: 'hc-dark', theme: HC_DARK, width: 1600, height: 1000 },
  { name: 'dark-1280', theme: DARK, width: 1280, height: 800 },
  { name: 'light-1280', theme: LIGHT, width: 1280, height: 800 },
  { name: 'hc-light-1280', theme: HC_LIGHT, width: 1280, height: 800 },
];

export async function showAt1600(workbench: Workbench): Promise<void> {
  await workbench.page.setViewportSize({ width: 1600, height: 1000 });
}

/**
 * Switches the color theme with the theme picker (Preferences: Color Theme). A walkthrough or a
 * webview that has just opened can take the focus, which closes the picker: up to three attempts.
 */
export async function setTheme(workbench: Workbench, theme: string): Promise<void> {
  const page = workbench.page;
  const { label, kind } = THEMES[theme]!;
  const applied = async (): Promise<boolean> => ((await page.locator('.monaco-workbench').getAttribute('class')) ?? '').split(/\s+/).includes(kind);
  for (let attempt = 1; attempt <= 3 && !(await applied()); attempt++) {
    try {
      await workbench.runCommand('Preferences: Color Theme');
      const input = quickInput(page);
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await page.waitForFunction((element) => !String((element as unknown as { value?: string } | null)?.value ?? '>').startsWith('>'), await input.elementHandle(), { timeout: 10_000 });
      await input.fill(label, { timeout: 10_000 });
      await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${label}\\s*$`) }) }).first().click({ timeout: 10_000 });
      await poll(applied, (yes) => yes, 15_000);
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1_000);
    }
  }
  assert.ok(await applied(), `the ${theme} theme is applied`);
  await page.waitForTimeout(500);
}

/**
 * Shoots the current screen as `<base>-<variant>.png` in every variant (by default all six), then
 * returns to dark at 1600×1000. `settle` runs after each switch (e.g. wait for a webview to re-layout).
 */
export async function screenshotVariants(workbench: Workbench, base: string, options: { variants?: readonly ScreenVariant[]; settle?: () => Promise<void> } = {}): Promise<string[]> {
  const paths: string[] = [];
  try {
    for (const variant of options.variants ?? ALL_VARIANTS) {
      await setTheme(workbench, variant.theme);
      await workbench.page.setViewportSize({ width: variant.width, height: variant.height });
      await workbench.page.waitForTimeout(400);
      await options.settle?.();
      paths.push(await workbench.screenshot(`${base}-${variant.name}`));
    }
  } finally {
    await setTheme(workbench, DARK);
    await showAt1600(workbench);
  }
  return paths;
}
