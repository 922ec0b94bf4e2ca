/**
 * What the CLI prints when something fails: one line for a usage error (and where the usage
 * is), the error's own message for what the store, server or repository could not do, and for
 * anything else — a bug — what to put in a report, never a stack trace (unless asked for with
 * ML_WORKBENCH_DEBUG=1).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const EXIT_OK = 0;
/** The store, server or repository could not answer (the message says why). */
export const EXIT_FAILED = 1;
/** Bad usage: an unknown command or option, a bad value, a filter or order_by MLflow would refuse. */
export const EXIT_USAGE = 2;

export function usageLine(message: string): string {
  return `ml-workbench: ${message}\nRun 'ml-workbench --help' for the commands and their options.\n`;
}

/**
 * Which SQLite driver the report names: set by the bundle that reads stores (main.ts), so that the
 * launcher and the exp-show bundle, which import this file, load no SQLite code.
 */
let sqliteDriver: (() => string) | undefined;
export function reportSqliteDriverWith(describe: () => string): void {
  sqliteDriver = describe;
}

export function unexpectedError(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const what = error instanceof Error ? `${error.name}: ${firstLine(error.message)}` : firstLine(String(error));
  const lines = [
    `ml-workbench: unexpected error: ${what}`,
    'This is a bug in ml-workbench. Please report it with:',
    '  - the command line you ran (leave out passwords and tokens),',
    `  - ml-workbench ${version()}, Node ${process.version} on ${process.platform} ${process.arch}${sqliteDriver ? `, SQLite through ${sqliteDriver()}` : ''},`,
    '  - what it read (an SQLite file, ./mlruns, a tracking server and its MLflow version, a DVC repository),',
    '  - and this message.',
  ];
  if (env['ML_WORKBENCH_DEBUG'] && error instanceof Error && error.stack) lines.push(error.stack);
  else lines.push('Run it again with ML_WORKBENCH_DEBUG=1 to add the stack trace to the report.');
  return lines.join('\n') + '\n';
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** package.json's version: beside dist/ when bundled, two folders up from the sources. */
function version(): string {
  for (let dir = __dirname, i = 0; i < 4; i++, dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'ml-workbench' && manifest.version) return manifest.version;
    } catch {
      // Not here: one folder up.
    }
  }
  return '(version unknown)';
}
