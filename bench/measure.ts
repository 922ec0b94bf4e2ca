/**
 * Runs one command as a child process and measures it: wall time seen by the parent, the time the
 * child reports for itself (programs that print {"seconds", "count"}), and peak RSS from GNU time
 * (`/usr/bin/time -f %M`, the child's VmHWM as the kernel reports it at exit).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';
export const hasGnuTime = existsSync(GNU_TIME);

export interface Command {
  readonly argv: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** 'self': the child prints its own timing as JSON; 'wall': the parent's clock is the measure. */
  readonly timing: 'self' | 'wall';
  /** Counts what a 'wall' command printed (the warm-up checks every implementation saw the same data). */
  readonly count?: (stdoutFile: string) => number;
}

export interface Sample {
  readonly seconds: number;
  readonly wallSeconds: number;
  readonly peakRssKb: number | undefined;
  readonly count: number | undefined;
}

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly peakRssKb: number | undefined;
  readonly count: number | undefined;
  readonly samples: readonly Sample[];
}

const scratch = mkdtempSync(join(tmpdir(), 'mlw-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** One execution. With `keepOutput`, stdout goes to a file (for counting); otherwise to /dev/null. */
export async function runOnce(command: Command, keepOutput: boolean): Promise<Sample> {
  const rssFile = join(scratch, 'rss');
  const outFile = join(scratch, 'stdout');
  const argv = hasGnuTime ? [GNU_TIME, '-f', '%M', '-o', rssFile, '--', ...command.argv] : [...command.argv];
  const self = command.timing === 'self';
  const out = self ? undefined : openSync(keepOutput ? outFile : '/dev/null', 'w');
  const started = performance.now();
  const { code, stdout, stderr } = await spawnChild(argv, command.env, out);
  const wallSeconds = (performance.now() - started) / 1000;
  if (out !== undefined) closeSync(out);
  if (code !== 0) throw new Error(`${command.argv.join(' ')} exited with ${code}:\n${stderr.slice(-4000)}`);
  const peakRssKb = hasGnuTime ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : undefined;
  if (self) {
    const reported = JSON.parse(stdout.trim().split('\n').pop()!) as { seconds: number; count: number };
    return { seconds: reported.seconds, wallSeconds, peakRssKb, count: reported.count };
  }
  const count = keepOutput && command.count ? command.count(outFile) : undefined;
  return { seconds: wallSeconds, wallSeconds, peakRssKb, count };
}

/** `warmups` unmeasured runs (the first keeps its output for counting), then `repeat` measured ones. */
export async function measure(command: Command, repeat: number, warmups: number): Promise<Summary> {
  let count: number | undefined;
  for (let i = 0; i < warmups; i++) count ??= (await runOnce(command, i === 0)).count;
  const samples: Sample[] = [];
  // Without a warm-up, the first measured run keeps its output for counting.
  for (let i = 0; i < repeat; i++) samples.push(await runOnce(command, warmups === 0 && i === 0));
  const times = samples.map((s) => s.seconds).sort((a, b) => a - b);
  const rss = samples.map((s) => s.peakRssKb).filter((v): v is number => v !== undefined);
  return {
    median: median(times),
    min: times[0]!,
    max: times[times.length - 1]!,
    peakRssKb: rss.length > 0 ? Math.max(...rss) : undefined,
    count: count ?? samples.find((s) => s.count !== undefined)?.count,
    samples,
  };
}

function median(sorted: readonly number[]): number {
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function spawnChild(argv: readonly string[], env: NodeJS.ProcessEnv | undefined, stdoutFd: number | undefined): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { env: env ?? process.env, stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      // Only self-timing programs are piped, and they print one short line; others write to a file.
      if (stdout.length < 1 << 20) stdout += chunk;
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-16_000);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
