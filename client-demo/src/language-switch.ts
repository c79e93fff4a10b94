/** Fills the visible language selector and applies the choice, which i18n.setLocale stores. */
import { byIdOfType, createElement } from "./dom.ts";
import { LOCALES, LOCALE_NAMES, getLocale, isLocale, setLocale } from "./i18n.ts";

export function mountLanguageSwitch(): void {
  const select = byIdOfType("language", HTMLSelectElement);
  const options = LOCALES.map((locale) => {
    const option = createElement("option", "", LOCALE_NAMES[locale]);
    option.value = locale;
    option.lang = locale;
    return option;
  });
  select.replaceChildren(...options);
  select.value = getLocale();
  select.addEventListener("change", () => {
    if (isLocale(select.value)) {
      setLocale(select.value);
    }
  });
}
