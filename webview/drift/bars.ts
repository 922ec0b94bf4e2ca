/** Grouped bars on a canvas: two series (reference, current) as shares per bin or category, axes in the theme's colours. */
import { barScale } from '../../src/core/charts/chartShape.js';
import type { Theme } from '../shared/theme.js';

export function drawBars(canvas: HTMLCanvasElement, data: { labels: string[]; reference: number[]; current: number[] }, theme: Theme, colors: [string, string]): void {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 400;
  const height = canvas.clientHeight || 240;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const g = canvas.getContext('2d');
  if (!g) return;
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  const font = `${Math.max(10, theme.fontSize - 1)}px ${theme.fontFamily}`;
  g.font = font;
  // Round ticks (5%, 10%, 20%…) from zero up to the tallest bar: the metrics charts' bar scale.
  const { ticks } = barScale([0.0001, ...data.reference, ...data.current]);
  const max = ticks[ticks.length - 1]!;
  const intervals = ticks.length - 1;
  const left = 44;
  const bottom = 24;
  const top = 22;
  const plotW = Math.max(10, width - left - 8);
  const plotH = Math.max(10, height - top - bottom);
  // Grid and y labels (percent of each side's rows).
  g.strokeStyle = theme.grid;
  g.fillStyle = theme.muted;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (let i = 0; i <= intervals; i++) {
    const value = ticks[i]!;
    const y = top + plotH - (plotH * i) / intervals;
    g.beginPath();
    g.moveTo(left, y + 0.5);
    g.lineTo(left + plotW, y + 0.5);
    g.stroke();
    g.fillText(`${Math.round(value * 1000) / 10}%`, left - 4, y);
  }
  const n = Math.max(1, data.labels.length);
  const slot = plotW / n;
  const barW = Math.max(1, (slot * 0.8) / 2);
  data.labels.forEach((_, i) => {
    const x = left + i * slot + slot * 0.1;
    const bar = (value: number, offset: number, color: string): void => {
      const h = (value / max) * plotH;
      g.fillStyle = color;
      g.fillRect(x + offset, top + plotH - h, barW, h);
    };
    bar(data.reference[i] ?? 0, 0, colors[0]);
    bar(data.current[i] ?? 0, barW, colors[1]);
  });
  // X labels: as many as fit without overlapping.
  g.fillStyle = theme.muted;
  g.textAlign = 'center';
  g.textBaseline = 'top';
  const widest = Math.max(...data.labels.map((l) => g.measureText(l).width), 1);
  const every = Math.max(1, Math.ceil((widest + 8) / slot));
  data.labels.forEach((label, i) => {
    if (i % every !== 0) return;
    const text = label.length > 18 ? `${label.slice(0, 17)}…` : label;
    g.fillText(text, left + i * slot + slot / 2, top + plotH + 6);
  });
  // The y axis' caption above it, where it cannot be read as the x axis' name.
  g.textAlign = 'left';
  g.textBaseline = 'top';
  g.fillText('share of each side\'s rows', 0, 2);
}
