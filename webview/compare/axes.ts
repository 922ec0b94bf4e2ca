/**
 * A column placed on a chart axis: numbers on a linear scale, anything else as evenly spaced
 * categories (sorted). Runs without a value sit off the axis.
 */
import type { ComparisonColumn, ComparisonRow } from '../../src/protocol/comparePanel.js';

export interface Axis {
  readonly column: ComparisonColumn;
  /** 0..1 along the axis, or undefined when the run has no (finite) value. */
  position(row: ComparisonRow): number | undefined;
  /** Labels to draw at positions 0..1. */
  readonly ticks: readonly { at: number; label: string }[];
}

export function axisOf(column: ComparisonColumn, rows: readonly ComparisonRow[]): Axis {
  if (column.numeric) {
    const values = rows.map((r) => r.cells[column.id]?.number).filter((v): v is number => v !== undefined && Number.isFinite(v));
    const min = Math.min(...values);
    const max = Math.max(...values);
    const span = max - min || 1;
    const label = (v: number): string => (Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(4))));
    return {
      column,
      position: (row) => {
        const v = row.cells[column.id]?.number;
        return v === undefined || !Number.isFinite(v) ? undefined : max === min ? 0.5 : (v - min) / span;
      },
      ticks: values.length === 0 ? [] : max === min ? [{ at: 0.5, label: label(min) }] : [0, 0.5, 1].map((at) => ({ at, label: label(min + at * span) })),
    };
  }
  const categories = [...new Set(rows.map((r) => r.cells[column.id]?.text).filter((t): t is string => t !== undefined))].sort((a, b) => a.localeCompare(b));
  const at = (i: number): number => (categories.length === 1 ? 0.5 : i / (categories.length - 1));
  return {
    column,
    position: (row) => {
      const text = row.cells[column.id]?.text;
      const i = text === undefined ? -1 : categories.indexOf(text);
      return i === -1 ? undefined : at(i);
    },
    ticks: categories.slice(0, 12).map((label, i) => ({ at: at(categories.length > 12 ? categories.indexOf(label) : i), label: label.length > 18 ? `${label.slice(0, 17)}…` : label })),
  };
}

/** A canvas sized to its box at the device's pixel ratio; returns its context in CSS pixels. */
export function fitCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const ratio = devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}
