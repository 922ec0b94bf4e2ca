/**
 * VS Code's problem matching, re-enacted for tests: the contributed JSON patterns compiled with
 * `new RegExp(regexp)` (ProblemPatternParser.createRegularExpression), no defaults for multi-line
 * patterns, and the StartStopProblemCollector loop — a sliding buffer as long as the longest
 * matcher, matchers tried against the buffer's tail from the longest, the buffer cleared after a
 * match, a looping last pattern continued line by line (vs/workbench/contrib/tasks/common/
 * problemMatcher.ts, problemCollectors.ts). Markers need a file, a line and a message.
 */
import type { ProblemMatcherJson, ProblemPatternJson } from '../../src/core/tasks/problemMatcher.js';

export interface Marker {
  readonly matcher: string;
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

interface CompiledPattern extends ProblemPatternJson {
  readonly compiled: RegExp;
}

type Data = { file?: string; line?: string; message?: string };

class MultiLineMatcher {
  private readonly patterns: CompiledPattern[];
  private data: Data | undefined;
  constructor(readonly json: ProblemMatcherJson) {
    this.patterns = json.pattern.map((pattern) => ({ ...pattern, compiled: new RegExp(pattern.regexp) }));
  }
  get matchLength(): number {
    return this.patterns.length;
  }
  handle(lines: string[], start: number): { marker?: Marker; continue: boolean } {
    this.data = {};
    let data = this.data;
    for (let i = 0; i < this.patterns.length; i++) {
      const pattern = this.patterns[i]!;
      const matches = pattern.compiled.exec(lines[i + start]!);
      if (!matches) return { continue: false };
      if (pattern.loop && i === this.patterns.length - 1) data = { ...data };
      fill(data, pattern, matches);
    }
    const loop = !!this.patterns[this.patterns.length - 1]!.loop;
    if (!loop) this.data = undefined;
    return { marker: this.marker(data), continue: loop };
  }
  next(line: string): Marker | undefined {
    const pattern = this.patterns[this.patterns.length - 1]!;
    const matches = pattern.compiled.exec(line);
    if (!matches || !this.data) {
      this.data = undefined;
      return undefined;
    }
    const data = { ...this.data };
    fill(data, pattern, matches);
    return this.marker(data);
  }
  private marker(data: Data): Marker | undefined {
    if (!data.file || !data.line || !data.message) return undefined;
    return { matcher: this.json.name, file: data.file, line: parseInt(data.line, 10), message: data.message };
  }
}

/** fillProblemData: first value wins, except `message`, which later patterns append on a new line. */
function fill(data: Data, pattern: ProblemPatternJson, matches: RegExpExecArray): void {
  const take = (index: number | undefined): string | undefined => (index !== undefined && index < matches.length ? matches[index] : undefined);
  const file = take(pattern.file);
  if (data.file === undefined && file !== undefined) data.file = file.trim();
  const message = take(pattern.message);
  if (message !== undefined) data.message = data.message === undefined ? message.trim() : `${data.message}\n${message.trim()}`;
  const line = take(pattern.line);
  if (data.line === undefined && line !== undefined) data.line = line;
}

/** Feeds output line by line through the matchers, as a task's terminal would; returns the markers in order. */
export function collectMarkers(matchers: readonly ProblemMatcherJson[], output: string): Marker[] {
  const byLength = new Map<number, MultiLineMatcher[]>();
  let bufferLength = 1;
  for (const json of matchers) {
    const matcher = new MultiLineMatcher(json);
    bufferLength = Math.max(bufferLength, matcher.matchLength);
    byLength.set(matcher.matchLength, [...(byLength.get(matcher.matchLength) ?? []), matcher]);
  }
  let buffer: string[] = [];
  let active: MultiLineMatcher | undefined;
  const markers: Marker[] = [];
  for (const line of output.split(/\r?\n/)) {
    if (active) {
      const marker = active.next(line);
      if (marker) {
        markers.push(marker);
        continue;
      }
      buffer = [];
      active = undefined;
    }
    if (buffer.length < bufferLength) buffer.push(line);
    else buffer = [...buffer.slice(1), line];
    for (let start = 0; start < buffer.length; start++) {
      const found = (byLength.get(buffer.length - start) ?? []).map((matcher) => ({ matcher, result: matcher.handle(buffer, start) })).find(({ result }) => result.marker);
      if (found) {
        markers.push(found.result.marker!);
        if (found.result.continue) active = found.matcher;
        buffer = [];
        break;
      }
    }
  }
  return markers;
}
