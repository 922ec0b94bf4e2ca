import { formatDuration, formatMetricValue } from '../format.js';
import type { Run } from './model.js';
import { runDisplayName } from './runTree.js';

/**
 * A side-by-side table of runs (status, duration, every param and latest metric), as Markdown.
 * Rows whose values differ between runs are marked. Every value is escaped: run names and
 * params are data, never markup.
 */
export function compareRunsMarkdown(runs: readonly Run[], now: number): string {
  const header = ['', ...runs.map((r) => escapeCell(runDisplayName(r)))];
  const rows: string[][] = [];
  const add = (label: string, values: readonly (string | undefined)[]): void => {
    const differs = new Set(values.map((v) => v ?? '')).size > 1;
    rows.push([`${differs ? '**≠** ' : ''}${escapeCell(label)}`, ...values.map((v) => (v === undefined ? '—' : escapeCell(v)))]);
  };
  add('status', runs.map((r) => r.info.status));
  add('duration', runs.map((r) => (r.info.start_time === undefined ? undefined : formatDuration((r.info.end_time ?? now) - r.info.start_time))));
  const keys = (pick: (r: Run) => readonly { key: string }[] | undefined): string[] => [...new Set(runs.flatMap((r) => (pick(r) ?? []).map((e) => e.key)))].sort();
  for (const key of keys((r) => r.data.params)) add(`params.${key}`, runs.map((r) => r.data.params?.find((p) => p.key === key)?.value));
  for (const key of keys((r) => r.data.metrics)) {
    add(`metrics.${key}`, runs.map((r) => {
      const metric = r.data.metrics?.find((m) => m.key === key);
      return metric === undefined ? undefined : formatMetricValue(metric.value);
    }));
  }
  const table = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  const ids = runs.map((r) => `- ${escapeCell(runDisplayName(r))}: \`${r.info.run_id}\``).join('\n');
  return `# Compare ${runs.length} runs\n\n${table}\n\n**≠** marks rows whose values differ.\n\n${ids}\n`;
}

/** One table cell: no line breaks, pipes and HTML neutralised, long values cut. */
export function escapeCell(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ⏎ ');
  const cut = flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
  return cut.replace(/[\\`*_{}[\]<>|#&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`));
}
