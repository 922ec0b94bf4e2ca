/**
 * `exp-show` alone (the dist/cliExpShow.js bundle the launcher loads for it): the same parsing,
 * answers and exit codes as through the full CLI (main.ts), with only the experiments code loaded.
 */
import { parseArgs, UsageError, type ParsedArgs } from './args.js';
import { EXP_BOOLEAN_FLAGS, EXP_SHORT_FLAGS, runExpShow } from './expCommands.js';
import { EXIT_USAGE, unexpectedError, usageLine } from './failure.js';
import type { Io } from './main.js';

export async function main(argv: readonly string[], io: Io): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(
      argv.map((a) => EXP_SHORT_FLAGS[a] ?? a),
      new Set(['json', 'help', ...EXP_BOOLEAN_FLAGS]),
    );
    return await runExpShow(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(usageLine(error.message));
      return EXIT_USAGE;
    }
    io.err(unexpectedError(error));
    return 1;
  }
}
