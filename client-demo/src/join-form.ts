/** The name form shown before joining, prefilled with the stored guest name after a reload. */
import { NAME_MAX_LENGTH } from "../../src/rooms/rules/constants.ts";
import { byId, byIdOfType, setText } from "./dom.ts";
import { errorMessage, t, type DisplayErrorCode } from "./i18n.ts";

export class JoinForm {
  private readonly root = byId("join");
  private readonly form = byIdOfType("join-form", HTMLFormElement);
  private readonly input = byIdOfType("join-name", HTMLInputElement);
  private readonly errorText = byId("join-error");
  /** A server error to show, or "invalid-length" for the local length check. */
  private error: DisplayErrorCode | "invalid-length" | null = null;

  constructor(private readonly onSubmit: (name: string) => void) {
    this.input.maxLength = NAME_MAX_LENGTH;
    this.form.addEventListener("submit", (event) => this.submit(event));
  }

  /** Shows the form with `name` filled in and, after a rejected name, the server's error. */
  show(name: string, error: DisplayErrorCode | null = null): void {
    this.root.hidden = false;
    this.input.value = name;
    this.error = error;
    this.refreshLanguage();
    this.input.focus();
    this.input.select();
  }

  hide(): void {
    this.root.hidden = true;
  }

  get visible(): boolean {
    return !this.root.hidden;
  }

  refreshLanguage(): void {
    let text = "";
    if (this.error === "invalid-length") {
      text = t("join.nameRequired", { max: NAME_MAX_LENGTH });
    } else if (this.error !== null) {
      text = errorMessage(this.error);
    }
    setText(this.errorText, text);
    this.input.setAttribute("aria-invalid", String(text !== ""));
  }

  private submit(event: SubmitEvent): void {
    event.preventDefault();
    const name = this.input.value.trim();
    if (name.length === 0 || name.length > NAME_MAX_LENGTH) {
      this.error = "invalid-length";
      this.refreshLanguage();
      this.input.focus();
      return;
    }
    this.onSubmit(name);
  }
}
