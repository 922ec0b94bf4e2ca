/** DOM helpers shared by the panels. Every string from a store goes in as text, never as markup. */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & { dataset?: Record<string, string> } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const { dataset, ...rest } = props;
  const node = Object.assign(document.createElement(tag), rest);
  if (dataset) Object.assign(node.dataset, dataset);
  for (const child of children) node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return node;
}

/** A codicon (from the bundled @vscode/codicons font), hidden from screen readers. */
export function icon(name: string): HTMLSpanElement {
  const span = el('span', { className: `codicon codicon-${name}` });
  span.setAttribute('aria-hidden', 'true');
  return span;
}

/** A small button with a codicon and an accessible name. */
export function iconButton(name: string, label: string, onClick: (event: MouseEvent) => void): HTMLButtonElement {
  const button = el('button', { className: 'icon-button', title: label, type: 'button' }, icon(name));
  button.setAttribute('aria-label', label);
  button.addEventListener('click', onClick);
  return button;
}

export function debounce<A extends unknown[]>(ms: number, fn: (...args: A) => void): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
