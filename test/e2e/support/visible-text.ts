/**
 * Collects every text a person can see or hear on the page: visible text nodes plus the
 * aria-label, placeholder, title and alt attributes of visible elements.
 */
import type { Page } from "playwright-core";

export async function visibleTexts(page: Page): Promise<string[]> {
  return await page.evaluate(() => {
    const texts: string[] = [];
    const isShown = (element: Element): boolean => {
      const box = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      return box.width > 0 && box.height > 0 && style.visibility !== "hidden" && style.display !== "none";
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const text = node.textContent?.trim() ?? "";
      const parent = node.parentElement;
      // The debug readout is for developers, hidden from assistive technology and absent without ?debug.
      if (text !== "" && parent !== null && isShown(parent) && parent.closest(".debug") === null) {
        texts.push(text);
      }
    }
    for (const element of document.querySelectorAll("[aria-label], [placeholder], [title], [alt]")) {
      if (!isShown(element)) continue;
      for (const name of ["aria-label", "placeholder", "title", "alt"]) {
        const value = element.getAttribute(name);
        if (value !== null && value.trim() !== "") texts.push(value.trim());
      }
    }
    texts.push(document.title);
    return texts;
  });
}
