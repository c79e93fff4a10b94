/**
 * Chat panel: message log, channel switch (this room or every arena of the cluster), input
 * form and collapse toggle. All message text is written with textContent, so a message can
 * never inject markup.
 */
import { CHAT_MAX_LENGTH } from "../../src/rooms/rules/constants.ts";
import { byId, byIdOfType, createElement, setText } from "./dom.ts";
import { isChatChannel, loadChatChannel, saveChatChannel } from "./chat-channel.ts";
import { t } from "./i18n.ts";
import type { ChatChannel, ChatMessage } from "./messages.ts";

const MAX_LOG_ENTRIES = 60;
/** Below this viewport width the chat starts collapsed, so it does not cover the field. */
const NARROW_VIEWPORT_PX = 640;

export interface ChatCallbacks {
  send(text: string, channel: ChatChannel): void;
  /** Returns keyboard focus to the game field. */
  returnToGame(): void;
}

export class ChatPanel {
  private readonly root = byId("chat");
  private readonly log = byId("chat-log");
  private readonly form = byIdOfType("chat-form", HTMLFormElement);
  private readonly input = byIdOfType("chat-input", HTMLInputElement);
  private readonly channel = byIdOfType("chat-channel", HTMLSelectElement);
  private readonly toggle = byIdOfType("chat-toggle", HTMLButtonElement);
  private readonly unread = byId("chat-unread");
  private readonly hint = byId("chat-hint");
  private readonly messages: ChatMessage[] = [];
  private unreadCount = 0;
  private ownPlayerId = "";

  constructor(private readonly callbacks: ChatCallbacks) {
    this.input.maxLength = CHAT_MAX_LENGTH;
    this.form.addEventListener("submit", (event) => this.onSubmit(event));
    this.input.addEventListener("keydown", (event) => this.onInputKey(event));
    this.input.addEventListener("input", () => this.showLengthHint());
    this.toggle.addEventListener("click", () => this.setOpen(!this.isOpen()));
    this.channel.value = loadChatChannel();
    this.channel.addEventListener("change", () => this.onChannelChange());
    this.setOpen(window.innerWidth >= NARROW_VIEWPORT_PX);
    this.refreshPlaceholder();
  }

  setOwnPlayerId(playerId: string): void {
    this.ownPlayerId = playerId;
  }

  isOpen(): boolean {
    return !this.root.classList.contains("collapsed");
  }

  /** Opens the panel if needed and moves keyboard focus into the message field. */
  focusInput(): void {
    this.setOpen(true);
    this.input.focus();
  }

  add(message: ChatMessage): void {
    this.messages.push(message);
    if (this.messages.length > MAX_LOG_ENTRIES) {
      this.messages.shift();
      this.log.firstElementChild?.remove();
    }
    this.log.append(this.renderEntry(message));
    this.log.scrollTop = this.log.scrollHeight;
    if (!this.isOpen()) {
      this.unreadCount += 1;
      this.refreshToggle();
    }
  }

  /** Re-renders language-dependent text after a language switch. */
  refreshLanguage(): void {
    this.log.replaceChildren(...this.messages.map((message) => this.renderEntry(message)));
    this.refreshToggle();
    this.showLengthHint();
    this.refreshPlaceholder();
  }

  /** Phones have no Enter key to mention, so a touch screen gets a plain prompt. */
  private refreshPlaceholder(): void {
    const touch = window.matchMedia("(pointer: coarse)").matches;
    this.input.placeholder = t(touch ? "chat.placeholderTouch" : "chat.placeholder");
  }

  setEnabled(enabled: boolean): void {
    this.input.disabled = !enabled;
    this.channel.disabled = !enabled;
    for (const button of this.form.querySelectorAll("button")) {
      button.disabled = !enabled;
    }
  }

  private setOpen(open: boolean): void {
    this.root.classList.toggle("collapsed", !open);
    document.body.classList.toggle("chat-open", open);
    if (open) {
      this.unreadCount = 0;
    }
    this.refreshToggle();
  }

  private refreshToggle(): void {
    const open = this.isOpen();
    this.toggle.setAttribute("aria-expanded", String(open));
    setText(this.toggle, t(open ? "chat.toggleClose" : "chat.toggleOpen"));
    setText(this.unread, this.unreadCount > 0 ? t("chat.unread", { count: this.unreadCount }) : "");
  }

  private renderEntry(message: ChatMessage): HTMLLIElement {
    const entry = createElement("li", `chat-entry channel-${message.channel}`);
    if (message.playerId === this.ownPlayerId) {
      entry.classList.add("own");
    }
    entry.append(
      createElement("span", "chat-channel", t(message.channel === "global" ? "chat.channel.global" : "chat.channel.room")),
      createElement("span", "chat-name", message.name),
      createElement("span", "chat-text", message.text),
    );
    return entry;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const text = this.input.value.trim();
    if (text.length > CHAT_MAX_LENGTH) {
      this.showLengthHint();
      return;
    }
    if (text !== "") {
      this.callbacks.send(text, this.selectedChannel());
    }
    this.input.value = "";
    this.showLengthHint();
    this.callbacks.returnToGame();
  }

  private selectedChannel(): ChatChannel {
    return isChatChannel(this.channel.value) ? this.channel.value : "room";
  }

  private onChannelChange(): void {
    saveChatChannel(this.selectedChannel());
  }

  private onInputKey(event: KeyboardEvent): void {
    if (event.key === "Escape") {
      event.preventDefault();
      this.callbacks.returnToGame();
    }
  }

  private showLengthHint(): void {
    const length = this.input.value.length;
    const atLimit = length >= CHAT_MAX_LENGTH;
    let hint = "";
    if (atLimit) {
      hint = t("chat.tooLong", { max: CHAT_MAX_LENGTH });
    } else if (length >= CHAT_MAX_LENGTH - 20) {
      hint = `${length}/${CHAT_MAX_LENGTH}`;
    }
    setText(this.hint, hint);
    this.hint.classList.toggle("at-limit", atLimit);
  }
}
