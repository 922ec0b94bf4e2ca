/**
 * An image group: one column per revision, a step slider when the images carry steps (the
 * revisions that have no image at that step say so). Images arrive as data: URIs the host read
 * and checked; until then a cell says it is loading, and a cell whose file is not an image says why.
 */
import type { ImageCell, ImageGroupPlot, PanelRevision } from '../../src/protocol/plotsPanel.js';
import { el, iconButton } from '../shared/dom.js';
import type { Theme } from '../shared/theme.js';
import { formatBytes } from './format.js';
import { swatch } from './tables.js';

export type ImageState = { readonly dataUri: string } | { readonly error: string } | undefined;

export interface ImageContext {
  readonly theme: Theme;
  readonly revisions: ReadonlyMap<string, PanelRevision>;
  readonly hidden: ReadonlySet<string>;
  readonly step: number | undefined;
  image(key: string): ImageState;
  setStep(step: number): void;
}

export function renderImages(plot: ImageGroupPlot, context: ImageContext): HTMLElement {
  const stepped = plot.steps.length > 0;
  const step = stepped ? (context.step !== undefined && plot.steps.includes(context.step) ? context.step : plot.steps[plot.steps.length - 1]!) : undefined;
  const columns = plot.columns.filter((rev) => context.revisions.has(rev) && !context.hidden.has(rev));
  const cells = columns.map((rev) => imageCell(plot, rev, step, context));
  const grid = el('div', { className: 'image-grid' }, ...cells);
  if (!stepped || plot.steps.length < 2) return el('div', {}, ...(stepped ? [el('p', { className: 'note' }, `step ${step}`)] : []), grid);
  return el('div', {}, stepSlider(plot, step!, context), grid);
}

function stepSlider(plot: ImageGroupPlot, step: number, context: ImageContext): HTMLElement {
  const index = plot.steps.indexOf(step);
  const slider = el('input', { type: 'range', className: 'step-slider', min: '0', max: String(plot.steps.length - 1), step: '1', value: String(index) });
  slider.setAttribute('aria-label', `Step of ${plot.title}`);
  slider.setAttribute('aria-valuetext', `step ${step}`);
  slider.addEventListener('input', () => context.setStep(plot.steps[Number(slider.value)]!));
  const previous = iconButton('chevron-left', 'Previous step', () => index > 0 && context.setStep(plot.steps[index - 1]!));
  const next = iconButton('chevron-right', 'Next step', () => index < plot.steps.length - 1 && context.setStep(plot.steps[index + 1]!));
  previous.disabled = index === 0;
  next.disabled = index === plot.steps.length - 1;
  return el('div', { className: 'step-bar' }, el('span', { className: 'step-value' }, `Step ${step}`), previous, slider, next, el('span', { className: 'note' }, `${plot.steps[0]}–${plot.steps[plot.steps.length - 1]} · ${plot.steps.length} steps`));
}

function imageCell(plot: ImageGroupPlot, rev: string, step: number | undefined, context: ImageContext): HTMLElement {
  const revision = context.revisions.get(rev)!;
  const head = el('div', { className: 'image-head', title: revision.detail }, swatch(context.theme.color(revision.color)), el('span', { className: 'image-rev' }, revision.label));
  const cell: ImageCell | undefined = plot.cells.find((c) => c.rev === rev && c.step === step);
  const problems = plot.problems.filter((p) => p.rev === rev && (step === undefined || !p.source || p.source === plot.id.replace('{step}', String(step))));
  let body: HTMLElement;
  if (!cell) {
    body = problems.length > 0 ? problemText(problems.map((p) => p.message).join('\n')) : el('p', { className: 'empty' }, step === undefined ? 'No image in this revision' : `No image at step ${step}`);
  } else {
    const state = context.image(cell.key);
    if (!state) body = el('p', { className: 'empty loading' }, 'Loading…');
    else if ('error' in state) body = problemText(state.error);
    else {
      const image = el('img', { src: state.dataUri, alt: `${plot.title} of ${revision.label}${step === undefined ? '' : ` at step ${step}`}` });
      body = el('div', { className: 'image-frame' }, image);
    }
  }
  // A stepped image's file name is long and says only the step again (MLflow's key+step+N+timestamp+…).
  const label = (c: ImageCell): string => (c.step === undefined ? (c.name.split('/').pop() ?? c.name) : `step ${c.step}`);
  const foot = cell ? el('div', { className: 'image-foot', title: cell.name }, `${label(cell)} · ${formatBytes(cell.bytes)}`) : el('div', { className: 'image-foot' });
  return el('figure', { className: 'image-cell', dataset: { rev } }, head, body, foot);
}

function problemText(message: string): HTMLElement {
  const p = el('p', { className: 'problem' }, message);
  p.setAttribute('role', 'note');
  return p;
}
