/**
 * Reaching into our webviews from Playwright: a webview is two nested iframes; our panels expose a
 * `window.mlWorkbench` object for tests (read-only views of what they draw).
 */
import type { Frame, Page } from 'playwright-core';
import { sleep } from './processes';

/** The webview frame whose document has `window.mlWorkbench` and whose body text contains `text`. */
export async function panelFrame(page: Page, text: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      // A frame still loading (as after a reload) can leave evaluate pending: never wait on one long.
      const probe = frame
        .evaluate((needle) => {
          const page = globalThis as any;
          return typeof page.mlWorkbench === 'object' && String(page.document.body.innerText).includes(needle);
        }, text)
        .catch(() => false);
      const found = await Promise.race([probe, sleep(2_000).then(() => false)]);
      if (found) return frame;
    }
    await sleep(250);
  }
  throw new Error(`no panel shows "${text}" within ${timeoutMs} ms`);
}

/** Calls `window.mlWorkbench[method](...args)` in the panel and returns the (JSON) answer. */
export async function panelCall<T>(frame: Frame, method: string, ...args: unknown[]): Promise<T> {
  return frame.evaluate(([name, rest]) => {
    const api = (globalThis as any).mlWorkbench as Record<string, (...a: unknown[]) => unknown>;
    return JSON.parse(JSON.stringify(api[name as string]!(...(rest as unknown[])) ?? null)) as unknown;
  }, [method, args] as const) as Promise<T>;
}

/** Polls `read` in the frame until `accept` holds. */
export async function panelPoll<T>(frame: Frame, method: string, args: unknown[], accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await panelCall<T>(frame, method, ...args);
    if (accept(last)) return last;
    await sleep(200);
  }
  throw new Error(`${method}(${JSON.stringify(args)}) never satisfied the test; last: ${JSON.stringify(last)?.slice(0, 500)}`);
}
