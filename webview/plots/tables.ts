/**
 * Confusion matrices (one per revision, side by side: counts or DVC's normalized shares, shaded by
 * value in the revision's colour) and horizontal bars (per label, one bar per revision), as DOM
 * text — every class name and label from the data is text.
 */
import type { BarPlot, ConfusionMatrix, ConfusionPlot, PanelRevision } from '../../src/protocol/plotsPanel.js';
import { el } from '../shared/dom.js';
import { withAlpha, type Theme } from '../shared/theme.js';
import { formatNumber, formatPercent } from './format.js';

export interface TableContext {
  readonly theme: Theme;
  readonly revisions: ReadonlyMap<string, PanelRevision>;
  readonly hidden: ReadonlySet<string>;
}

export function renderConfusion(plot: ConfusionPlot, context: TableContext): HTMLElement {
  const matrices = plot.matrices.filter((m) => context.revisions.has(m.rev) && !context.hidden.has(m.rev));
  return el('div', { className: 'matrices' }, ...matrices.map((m) => matrixTable(plot, m, context)));
}

function matrixTable(plot: ConfusionPlot, m: ConfusionMatrix, context: TableContext): HTMLElement {
  const revision = context.revisions.get(m.rev)!;
  const color = context.theme.color(revision.color);
  const max = Math.max(1e-12, ...m.values.flat());
  const head = el('tr', {}, el('th', { className: 'corner', scope: 'col' }, `${plot.yLabel} ╲ ${plot.xLabel}`), ...m.columns.map((c) => el('th', { scope: 'col', title: c }, c)));
  const rows = m.rows.map((row, r) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row', title: row }, row),
      ...m.columns.map((column, c) => {
        const value = m.values[r]![c]!;
        const cell = el('td', { className: 'cell', title: `${plot.yLabel} ${row}, ${plot.xLabel} ${column}: ${m.counts[r]![c]} record${m.counts[r]![c] === 1 ? '' : 's'}` }, plot.normalized ? formatPercent(value) : String(value));
        cell.style.background = withAlpha(color, 0.08 + 0.5 * (value / max));
        return cell;
      }),
    ),
  );
  const caption = el('caption', {}, swatch(color), revision.label);
  caption.title = revision.detail;
  return el('table', { className: 'matrix' }, caption, el('thead', {}, head), el('tbody', {}, ...rows));
}

export function renderBars(plot: BarPlot, context: TableContext): HTMLElement {
  const groups = plot.groups.filter((g) => context.revisions.has(g.rev) && !context.hidden.has(g.rev));
  const labels: string[] = [];
  for (const group of groups) for (const bar of group.bars) if (!labels.includes(bar.label)) labels.push(bar.label);
  const values = groups.flatMap((g) => g.bars.map((b) => b.value));
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const span = hi - lo || 1;
  const rows = labels.map((label) =>
    el(
      'div',
      { className: 'bar-row' },
      el('div', { className: 'bar-label', title: label }, label),
      el(
        'div',
        { className: 'bar-stack' },
        ...groups.flatMap((group) =>
          group.bars
            .filter((b) => b.label === label)
            .map((bar) => {
              const revision = context.revisions.get(group.rev)!;
              const track = el('div', { className: 'bar-track', title: `${revision.label} · ${label}: ${bar.value}` });
              const fill = el('div', { className: 'bar-fill' });
              fill.style.left = `${((Math.min(0, bar.value) - lo) / span) * 100}%`;
              fill.style.width = `${(Math.abs(bar.value) / span) * 100}%`;
              fill.style.background = context.theme.color(revision.color);
              track.append(fill);
              return el('div', { className: 'bar' }, track, el('span', { className: 'bar-value' }, formatNumber(bar.value)));
            }),
        ),
      ),
    ),
  );
  return el('div', { className: 'bars' }, el('div', { className: 'bar-axis' }, el('span', {}, plot.yLabel), el('span', {}, plot.xLabel)), ...rows);
}

export function swatch(color: string): HTMLElement {
  const span = el('span', { className: 'swatch' });
  span.style.background = color;
  span.setAttribute('aria-hidden', 'true');
  return span;
}
