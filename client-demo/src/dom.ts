/** Small DOM helpers shared by the UI panels. */

/** Returns the element with `id`, failing loudly when index.html and the code disagree. */
export function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (element === null) {
    throw new Error(`Element #${id} is missing from index.html.`);
  }
  return element;
}

/** Like byId, and also checks the element's class, for example HTMLInputElement. */
export function byIdOfType<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = byId(id);
  if (!(element instanceof type)) {
    throw new Error(`Element #${id} is not a ${type.name}.`);
  }
  return element;
}

/** Sets text only when it changed, so per-frame updates do not touch the DOM needlessly. */
export function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) {
    element.textContent = text;
  }
}

/** Creates an element with the given class and text. Text goes through textContent, never HTML. */
export function createElement<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ""): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className !== "") {
    element.className = className;
  }
  if (text !== "") {
    element.textContent = text;
  }
  return element;
}
