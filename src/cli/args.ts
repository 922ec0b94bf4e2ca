/** A tiny argv parser: `--name value`, `--name=value`, repeatable flags, booleans. */
export interface ParsedArgs {
  readonly command: string | undefined;
  readonly positionals: readonly string[];
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly flags: ReadonlySet<string>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], booleanFlags: ReadonlySet<string>): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (booleanFlags.has(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    // `--run-id --json` forgot the id: an option's value never looks like the next option (`--filter=--x` can).
    const value = eq === -1 ? (argv[i + 1]?.startsWith('--') ? undefined : argv[++i]) : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  const [command, ...rest] = positionals;
  return { command, positionals: rest, values, flags };
}

export function single(args: ParsedArgs, name: string): string | undefined {
  const all = args.values.get(name);
  if (all && all.length > 1) throw new UsageError(`--${name} was given more than once`);
  return all?.[0];
}
