/** What an e2e test prints about itself: timings, the extension's warnings, and failures with a screenshot. */
import type { Workbench } from './workbench';

/** Warnings and errors the extension logged (printed even when every step passed). */
export function reportLoggedProblems(workbench: Workbench | undefined, name: string): void {
  if (!workbench) return;
  const problems = workbench.extensionHostLog().split('\n').filter((line) => /\[(warning|error)\]/.test(line) && !/github|open-vsx|vsda|copilot/i.test(line));
  console.log(`[e2e ${name}] extension log warnings/errors: ${problems.length === 0 ? 'none' : `\n${problems.join('\n')}`}`);
}

/** Runs one step; on failure prints a screenshot path and the workbench's diagnostics, then rethrows. */
export async function failureReport(workbench: Workbench, name: string, body: () => Promise<void>): Promise<void> {
  const started = Date.now();
  try {
    await body();
    console.log(`[e2e ${name}] passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    const shot = await workbench.screenshot(`${name}-failure`).catch((e: unknown) => `(no screenshot: ${String(e)})`);
    console.error(`\n[e2e ${name}] failed after ${((Date.now() - started) / 1000).toFixed(1)} s; screenshot: ${shot}\n${workbench.diagnostics()}`);
    throw error;
  }
}
