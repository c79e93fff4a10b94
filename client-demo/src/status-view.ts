/**
 * Shows the connection state: a blocking card while connecting or after a failure (with the
 * actions that can fix it), and a non-blocking banner while the SDK reconnects or the client
 * waits to rejoin a restarting server.
 */
import type { ConnectionState } from "./connection.ts";
import { byId, createElement, setText } from "./dom.ts";
import type { GameError } from "./errors.ts";
import { errorMessage, t, type DisplayErrorCode, type MessageKey } from "./i18n.ts";

const NOTICE_DURATION_MS = 4000;

type PillState = "online" | "connecting" | "reconnecting" | "offline";

const PILL_STATES: Record<ConnectionState["kind"], { state: PillState; label: MessageKey }> = {
  idle: { state: "offline", label: "status.offline" },
  "creating-guest": { state: "connecting", label: "status.connectingShort" },
  connecting: { state: "connecting", label: "status.connectingShort" },
  connected: { state: "online", label: "status.connected" },
  reconnecting: { state: "reconnecting", label: "status.reconnectingShort" },
  rejoining: { state: "reconnecting", label: "status.reconnectingShort" },
  failed: { state: "offline", label: "status.offline" },
};

export type StatusAction = "retry" | "playHere" | "changeName" | "chooseArena";

const ACTION_LABELS: Record<StatusAction, MessageKey> = {
  retry: "action.retry",
  playHere: "action.playHere",
  changeName: "action.changeName",
  chooseArena: "action.chooseArena",
};

/** Returns the actions a player can take after each failure. The first one gets keyboard focus. */
function actionsFor(code: DisplayErrorCode): StatusAction[] {
  switch (code) {
    case "SESSION_REPLACED":
      return ["playHere", "changeName"];
    case "NAME_INVALID":
      return ["changeName"];
    default:
      return ["retry", "chooseArena"];
  }
}

/** Banner text of an automatic rejoin: why, and when the next attempt starts (0 s: under way). */
function rejoinText(reason: GameError, seconds: number): string {
  if (reason.code === "NODE_DOWN") {
    return seconds > 0 ? t("status.movingNodeRetry", { seconds }) : t("status.movingNode");
  }
  if (reason.code === "CONNECTION_LOST") {
    return seconds > 0 ? t("status.rejoiningLost", { seconds }) : t("status.rejoiningLostNow");
  }
  return seconds > 0 ? t("status.rejoiningRestart", { seconds }) : t("status.rejoiningRestartNow");
}

export class StatusView {
  private readonly card = byId("status-card");
  private readonly message = byId("status-message");
  private readonly detail = byId("status-detail");
  private readonly actions = byId("status-actions");
  private readonly spinner = byId("status-spinner");
  private readonly banner = byId("status-banner");
  private readonly connection = byId("hud-connection");
  private readonly toast = byId("toast");
  private toastTimer: number | undefined;
  private state: ConnectionState = { kind: "idle" };
  private renderedActionsFor: GameError | null = null;

  constructor(private readonly onAction: (action: StatusAction) => void) {}

  show(state: ConnectionState): void {
    this.state = state;
    this.render();
  }

  /** Re-renders the current state, for language switches and the rejoin countdown. */
  render(): void {
    const state = this.state;
    this.card.hidden = !(state.kind === "connecting" || state.kind === "creating-guest" || state.kind === "failed");
    this.banner.hidden = !(state.kind === "reconnecting" || state.kind === "rejoining");
    this.spinner.hidden = state.kind === "failed";
    this.renderConnectionPill(state);
    if (state.kind === "failed") {
      this.renderFailure(state.error);
      return;
    }
    this.renderedActionsFor = null;
    this.actions.replaceChildren();
    setText(this.detail, "");
    setText(this.message, state.kind === "creating-guest" ? t("status.creatingGuest") : t("status.connecting"));
    if (state.kind === "reconnecting") {
      setText(this.banner, t("status.reconnecting"));
    } else if (state.kind === "rejoining") {
      const seconds = Math.max(0, Math.ceil((state.at - Date.now()) / 1000));
      setText(this.banner, rejoinText(state.reason, seconds));
    }
  }

  /** Shows a short-lived notice about an error without blocking play. */
  showNotice(error: GameError): void {
    this.showNoticeText(error.code === "UNKNOWN" && error.detail !== "" ? error.detail : errorMessage(error.code));
  }

  /** Shows a short-lived, already translated notice, such as a rate-limited chat message. */
  showNoticeText(text: string): void {
    setText(this.toast, text);
    this.toast.hidden = false;
    window.clearTimeout(this.toastTimer);
    this.toastTimer = window.setTimeout(() => {
      this.toast.hidden = true;
    }, NOTICE_DURATION_MS);
  }

  /** Shows the state in the pill by the icon's shape as well as its colour (see styles.css). */
  private renderConnectionPill(state: ConnectionState): void {
    const pill = PILL_STATES[state.kind];
    this.connection.dataset.state = pill.state;
    setText(this.connection, t(pill.label));
  }

  private renderFailure(error: GameError): void {
    setText(this.message, errorMessage(error.code));
    // Known codes have a translated message. The server's English text would only repeat it, so
    // it is shown for unknown failures alone.
    const showDetail = error.code === "UNKNOWN" && error.detail !== "";
    setText(this.detail, showDetail ? t("error.detail", { detail: error.detail }) : "");
    const firstRender = this.renderedActionsFor !== error;
    this.renderedActionsFor = error;
    const focusedIndex = [...this.actions.children].findIndex((button) => button === document.activeElement);
    const buttons = actionsFor(error.code).map((action) => this.createButton(action));
    this.actions.replaceChildren(...buttons);
    // Rebuilding the buttons (for a language switch) must not drop keyboard focus.
    const focusIndex = firstRender ? 0 : focusedIndex;
    if (focusIndex >= 0) {
      buttons[focusIndex]?.focus();
    }
  }

  private createButton(action: StatusAction): HTMLButtonElement {
    const primary = action === "retry" || action === "playHere";
    const button = createElement("button", primary ? "primary" : "secondary", t(ACTION_LABELS[action]));
    button.type = "button";
    button.addEventListener("click", () => this.onAction(action));
    return button;
  }
}
