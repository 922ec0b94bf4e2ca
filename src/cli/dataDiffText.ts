/** `data-diff` without --json: what a person reads in a terminal. */
import type { ContentDiffResult } from '../core/dvc/contentDiff.js';
import type { TableDiff } from '../core/tabular/model.js';

const cell = (value: unknown): string => (value === undefined || value === null ? '∅' : JSON.stringify(value));

export function contentDiffText(result: ContentDiffResult): string {
  const { diff } = result;
  const lines = [`# ${result.path}: ${result.before.name} → ${result.after.name}`];
  if (diff.kind === 'file') lines.push(diff.changed ? `modified (${diff.sizeBefore ?? '-'} → ${diff.sizeAfter ?? '-'} bytes)` : 'unchanged');
  else if (diff.kind === 'directory') {
    lines.push(`${diff.files.length} files differ, ${diff.unchanged} unchanged; ${diff.sizeBefore} → ${diff.sizeAfter} bytes`);
    for (const f of diff.files) lines.push(`${f.status === 'added' ? '+' : f.status === 'deleted' ? '-' : '!'} ${f.status.padEnd(9)} ${f.path}\t${f.sizeBefore ?? '-'} → ${f.sizeAfter ?? '-'}`);
  } else lines.push(...tableText(diff));
  return lines.join('\n') + '\n';
}

function tableText(diff: TableDiff): string[] {
  const { rows, schema } = diff;
  const lines = [`${diff.format}, rows matched by ${diff.mode === 'key' ? `key '${diff.key}'` : 'position'}: ${rows.before} → ${rows.after} rows; ${rows.added} added, ${rows.removed} removed, ${rows.changed} changed, ${rows.unchanged} unchanged`];
  if (schema.added.length) lines.push(`columns added: ${schema.added.join(', ')}`);
  if (schema.removed.length) lines.push(`columns removed: ${schema.removed.join(', ')}`);
  if (schema.reordered) lines.push('columns reordered');
  for (const k of schema.kindChanged) lines.push(`column ${k.column}: ${k.before} → ${k.after}`);
  if (rows.duplicateKeys) lines.push(`${rows.duplicateKeys} rows repeat a key (the first is compared)`);
  for (const r of diff.changed) lines.push(`! ${r.key ?? `line ${r.lineAfter}`}: ${r.columns.map((c) => `${c} ${cell(r.before[c])} → ${cell(r.after[c])}`).join(', ')}`);
  for (const r of diff.added) lines.push(`+ ${r.key ?? `line ${r.line}`}`);
  for (const r of diff.removed) lines.push(`- ${r.key ?? `line ${r.line}`}`);
  for (const [side, stats] of Object.entries(diff.stats ?? {})) {
    for (const c of stats) lines.push(`${side.padEnd(6)} ${c.name}: ${c.kind}, ${c.count} values, ${c.missing} missing${c.mean === undefined ? '' : `, min ${c.min} max ${c.max} mean ${c.mean.toPrecision(6)}${c.std === undefined ? '' : ` std ${c.std.toPrecision(6)}`}`}${c.distinct === undefined ? '' : `, ${c.distinct}${c.distinctAtLeast ? '+' : ''} distinct`}`);
  }
  for (const p of diff.problems) lines.push(`problem (${p.side}) line ${p.line}: ${p.message}`);
  if (diff.problemCount > diff.problems.length) lines.push(`… ${diff.problemCount - diff.problems.length} more problems`);
  return lines;
}
