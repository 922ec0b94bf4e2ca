import type { CriterionResult, FromWebview, GatePanelState, ToWebview } from '../../src/protocol/gatePanel.js';
import { el, icon } from '../shared/dom.js';

declare function acquireVsCodeApi(): { postMessage(message: FromWebview): void };

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;
let shown: GatePanelState | undefined;
// Read-only, for tests: what the panel shows.
(window as unknown as { mlWorkbench: object }).mlWorkbench = { state: () => shown, buttons: () => [...root.querySelectorAll('button')].map((b) => ({ text: b.innerText.trim(), disabled: b.disabled })) };

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  const message = event.data;
  if (message.type === 'state') render(message.state);
  else root.replaceChildren(el('p', { className: 'error', role: 'alert' }, message.message));
});
vscode.postMessage({ type: 'ready' });

function button(label: string, codicon: string, type: FromWebview['type'], primary: boolean, disabled = false): HTMLButtonElement {
  const view = el('button', { type: 'button', className: primary ? 'primary' : 'secondary', disabled }, icon(codicon), ` ${label}`);
  view.addEventListener('click', () => vscode.postMessage({ type } as FromWebview));
  return view;
}

function render(state: GatePanelState): void {
  shown = state;
  const { report, phase } = state;
  const go = report.decision === 'go';
  const failed = report.criteria.filter((c) => !c.pass).length;
  const verdict = el('div', { className: `verdict verdict-${go ? 'go' : 'nogo'}` }, icon(go ? 'pass-filled' : 'error'), el('span', {}, go ? 'GO' : 'NO-GO'));
  const summary = go ? `All ${report.criteria.length} criteria pass.` : `${failed} of ${report.criteria.length} criteria fail.`;
  const done = phase === 'promoted' || phase === 'overridden';
  const champion = report.champion ? `@${report.alias} ${done ? 'was' : 'is'} on version ${report.champion}` : `no version held @${report.alias}`;
  const header = el('header', {}, verdict, el('div', {}, el('h1', {}, `${report.model} version ${report.version} → @${report.alias}`), el('p', { className: 'subtitle' }, `${summary} Champion: ${champion}.`)));
  const actions = el('div', { className: 'actions' });
  if (!done) {
    if (go) actions.append(button(`Promote to @${report.alias}`, 'rocket', 'promote', true, phase === 'promoting'));
    else actions.append(button('Override and Promote…', 'warning', 'override', false, phase === 'promoting'));
  }
  actions.append(button('Re-evaluate', 'refresh', 'reevaluate', false, phase === 'promoting'), button(`Open ${state.criteriaLabel}`, 'go-to-file', 'openCriteria', false));
  const parts: HTMLElement[] = [header, actions];
  if (state.note || phase === 'promoting') {
    const note = el('p', { className: `note note-${phase}` }, icon(phase === 'promoting' ? 'loading' : done ? 'check' : 'info'), ` ${phase === 'promoting' ? 'Recording the decision and moving the alias through MLflow…' : state.note}`);
    note.setAttribute('role', 'status');
    parts.push(note);
  }
  const head = el('tr', {}, ...['', 'Criterion', 'Candidate', 'Champion', 'Bound', 'Detail'].map((h) => el('th', { scope: 'col' }, h)));
  const rows = report.criteria.map(row);
  parts.push(el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows)));
  parts.push(el('footer', {}, `Criteria ${state.criteriaLabel} (sha256 ${report.criteriaSha256.slice(0, 12)}…) · evaluated ${new Date(report.evaluatedAt).toLocaleString()}`));
  root.replaceChildren(...parts);
  root.setAttribute('aria-busy', 'false');
}

function row(result: CriterionResult): HTMLTableRowElement {
  const mark = el('td', { className: `mark ${result.pass ? 'pass' : 'fail'}` }, icon(result.pass ? 'pass' : 'close'), el('span', {}, result.pass ? 'pass' : 'FAIL'));
  return el('tr', { className: result.pass ? 'pass' : 'fail' }, mark, el('td', {}, result.description), el('td', { className: 'value' }, value(result.candidate)), el('td', { className: 'value' }, value(result.champion)), el('td', { className: 'value' }, value(result.threshold)), el('td', { className: 'detail' }, result.detail));
}

function value(v: number | string | boolean | null): string {
  if (v === null) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/0+$/, '');
  return String(v);
}
