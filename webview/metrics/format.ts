import type { XAxis } from '../../src/protocol/metricsPanel.js';

/** A number with at most `digits` significant digits, exponent form only when very large or small. */
export function formatValue(value: number | null, digits: number): string {
  // uPlot passes null for the splits of a log axis it leaves unlabelled.
  if (value === null) return '';
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '+∞' : '−∞';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 1e-4)) return value.toExponential(Math.max(0, digits - 1)).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(digits)));
}

/** A duration in seconds as `1h 02m`, `3m 05s`, `12.5s`. */
export function formatSeconds(seconds: number): string {
  const sign = seconds < 0 ? '−' : '';
  let s = Math.abs(seconds);
  if (s < 60) return `${sign}${Number(s.toPrecision(3))}s`;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s = Math.round(s - m * 60);
  return h > 0 ? `${sign}${h}h ${String(m).padStart(2, '0')}m` : `${sign}${m}m ${String(s).padStart(2, '0')}s`;
}

export function formatAxisValue(value: number | null, axis: XAxis): string {
  if (value === null) return '';
  if (axis === 'relative') return formatSeconds(value);
  if (axis === 'time') return new Date(value * 1000).toLocaleTimeString();
  return formatValue(value, 6);
}

/** The x of the cursor, spelled out for the tooltip. */
export function formatX(value: number, axis: XAxis): string {
  if (axis === 'step') return `step ${value}`;
  if (axis === 'relative') return `${formatSeconds(value)} after start`;
  return new Date(value * 1000).toLocaleString();
}
