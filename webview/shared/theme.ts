/**
 * Colours from VS Code's theme: the `--vscode-charts-*` palette and editor colours, read from the
 * CSS variables VS Code sets on the webview's root, and read again whenever the theme changes.
 */

const PALETTE_VARIABLES = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-red', '--vscode-charts-purple', '--vscode-charts-yellow'];
const FALLBACK = ['#3794ff', '#d18616', '#89d185', '#f14c4c', '#b180d7', '#cca700'];
/** Past the six theme colours, runs differ by dash pattern too (protocol/colors.ts). */
const DASHES: readonly (readonly number[])[] = [[], [6, 3], [2, 3], [8, 3, 2, 3]];

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
  const palette = PALETTE_VARIABLES.map((name, i) => variable(style, name, FALLBACK[i]!));
  const foreground = variable(style, '--vscode-editor-foreground', kind === 'light' ? '#333333' : '#cccccc');
  return {
    kind,
    foreground,
    muted: variable(style, '--vscode-descriptionForeground', foreground),
    grid: variable(style, '--vscode-editorWidget-border', kind.startsWith('high') ? foreground : 'rgba(128,128,128,0.25)'),
    background: variable(style, '--vscode-editor-background', kind === 'light' ? '#ffffff' : '#1e1e1e'),
    fontFamily: variable(style, '--vscode-editor-font-family', 'monospace'),
    fontSize: Number.parseFloat(variable(style, '--vscode-editor-font-size', '12')) || 12,
    color: (index) => palette[((index % palette.length) + palette.length) % palette.length]!,
    dash: (index) => [...DASHES[Math.floor(index / palette.length) % DASHES.length]!],
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
