/**
 * Colours: runs from the colour-blind-safe palette of core/series/colors.ts (its light or dark
 * order by the theme's kind), the rest from the editor's CSS variables VS Code sets on the webview's
 * root, read again whenever the theme changes.
 */

import { slotStyle } from '../../src/core/series/colors.js';

export interface Theme {
  readonly kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly background: string;
  readonly fontFamily: string;
  readonly fontSize: number;
  color(index: number): string;
  dash(index: number): number[];
}

function variable(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.documentElement);
  const body = document.body.classList;
  const kind = body.contains('vscode-high-contrast-light')
    ? 'high-contrast-light'
    : body.contains('vscode-high-contrast')
      ? 'high-contrast'
      : body.contains('vscode-light')
        ? 'light'
        : 'dark';
  const palette = kind === 'light' || kind === 'high-contrast-light' ? 'light' : 'dark';
  const foreground = variable(style, '--vscode-editor-foreground', kind === 'light' ? '#333333' : '#cccccc');
  return {
    kind,
    foreground,
    muted: variable(style, '--vscode-descriptionForeground', foreground),
    grid: variable(style, '--vscode-editorWidget-border', kind.startsWith('high') ? foreground : 'rgba(128,128,128,0.25)'),
    background: variable(style, '--vscode-editor-background', kind === 'light' ? '#ffffff' : '#1e1e1e'),
    fontFamily: variable(style, '--vscode-editor-font-family', 'monospace'),
    fontSize: Number.parseFloat(variable(style, '--vscode-editor-font-size', '12')) || 12,
    color: (index) => slotStyle(index, palette).color,
    dash: (index) => [...slotStyle(index, palette).dash],
  };
}

/** Calls `onChange` when VS Code switches theme (it rewrites the body's classes and the variables). */
export function onThemeChange(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

/** `rgba()` of a CSS colour at an opacity, for faint raw lines under smoothed ones. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color)?.[1];
  if (hex) {
    const full = hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex;
    const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(full.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^)]+)\)$/i.exec(color)?.[1]?.split(',').map((p) => p.trim());
  if (rgb && rgb.length >= 3) return `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, ${alpha})`;
  return color;
}

/** A legend's sample of a run's line: its colour and its dash, as the chart draws it. */
export function lineSwatch(theme: Theme, slot: number, width = 22): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  const ratio = devicePixelRatio || 1;
  canvas.width = width * ratio;
  canvas.height = 10 * ratio;
  canvas.style.width = `${width}px`;
  canvas.style.height = '10px';
  canvas.className = 'swatch-line';
  canvas.setAttribute('aria-hidden', 'true');
  const ctx = canvas.getContext('2d');
  if (ctx) {
    ctx.scale(ratio, ratio);
    ctx.strokeStyle = theme.color(slot);
    ctx.lineWidth = 2.5;
    ctx.setLineDash(theme.dash(slot));
    ctx.beginPath();
    ctx.moveTo(1, 5);
    ctx.lineTo(width - 1, 5);
    ctx.stroke();
  }
  return canvas;
}
