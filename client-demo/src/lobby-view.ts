/**
 * The lobby screen shown after the name form: Quick play, and the arenas of every node with
 * their player counts, node and a join button each. Rows are updated in place by room id, so
 * live updates never move keyboard focus or the scroll position.
 */
import { isFull, type ArenaListing } from "./arena-listing.ts";
import { byId, byIdOfType, createElement, setText } from "./dom.ts";
import { errorMessage, t, type DisplayErrorCode } from "./i18n.ts";
import type { LobbyStatus } from "./lobby-connection.ts";

export interface LobbyCallbacks {
  onQuickPlay(): void;
  onJoin(listing: ArenaListing): void;
  onChangeName(): void;
}

interface Row {
  element: HTMLLIElement;
  name: HTMLElement;
  players: HTMLElement;
  node: HTMLElement;
  button: HTMLButtonElement;
  listing: ArenaListing;
}

export class LobbyView {
  private readonly root = byId("lobby");
  private readonly player = byId("lobby-player");
  private readonly quickPlay = byIdOfType("lobby-quick-play", HTMLButtonElement);
  private readonly errorText = byId("lobby-error");
  private readonly list = byId("lobby-list");
  private readonly statusText = byId("lobby-status");
  private readonly rows = new Map<string, Row>();
  private name = "";
  private error: DisplayErrorCode | null = null;
  private status: LobbyStatus = "loading";

  constructor(private readonly callbacks: LobbyCallbacks) {
    this.quickPlay.addEventListener("click", () => callbacks.onQuickPlay());
    byIdOfType("lobby-change-name", HTMLButtonElement).addEventListener("click", () => callbacks.onChangeName());
  }

  /** Shows the lobby for player `name` with Quick play focused and, after a failed join, its error. */
  show(name: string, error: DisplayErrorCode | null = null): void {
    this.name = name;
    this.error = error;
    this.root.hidden = false;
    this.refreshLanguage();
    this.quickPlay.focus();
  }

  hide(): void {
    this.root.hidden = true;
  }

  get visible(): boolean {
    return !this.root.hidden;
  }

  setStatus(status: LobbyStatus): void {
    this.status = status;
    this.renderStatus();
  }

  /** Adds, updates and removes rows to match `listings`, which arrive sorted. */
  setListings(listings: ArenaListing[]): void {
    const present = new Set(listings.map((listing) => listing.roomId));
    for (const [roomId, row] of this.rows) {
      if (!present.has(roomId)) {
        this.removeRow(roomId, row);
      }
    }
    let previous: HTMLLIElement | null = null;
    for (const listing of listings) {
      const row: Row = this.rows.get(listing.roomId) ?? this.addRow(listing, previous);
      row.listing = listing;
      this.renderRow(row);
      previous = row.element;
    }
    this.renderStatus();
  }

  /** Re-renders every text after a language switch. */
  refreshLanguage(): void {
    setText(this.player, t("lobby.playingAs", { name: this.name }));
    setText(this.errorText, this.error === null ? "" : errorMessage(this.error));
    for (const row of this.rows.values()) {
      this.renderRow(row);
    }
    this.renderStatus();
  }

  /** Inserts a row after `previous` (or first), without moving the existing rows. */
  private addRow(listing: ArenaListing, previous: HTMLLIElement | null): Row {
    const element = createElement("li", "lobby-row");
    element.dataset.roomId = listing.roomId;
    const name = createElement("span", "lobby-name");
    const players = createElement("span", "lobby-players");
    const node = createElement("span", "lobby-node");
    const button = createElement("button", "primary small lobby-join");
    button.type = "button";
    const meta = createElement("span", "lobby-meta");
    meta.append(players, node);
    const details = createElement("div", "lobby-details");
    details.append(name, meta);
    element.append(details, button);
    const row: Row = { element, name, players, node, button, listing };
    button.addEventListener("click", () => this.callbacks.onJoin(row.listing));
    this.list.insertBefore(element, previous === null ? this.list.firstElementChild : previous.nextElementSibling);
    this.rows.set(listing.roomId, row);
    return row;
  }

  private removeRow(roomId: string, row: Row): void {
    const hadFocus = row.element.contains(document.activeElement);
    row.element.remove();
    this.rows.delete(roomId);
    if (hadFocus) {
      this.quickPlay.focus();
    }
  }

  private renderRow(row: Row): void {
    const { listing } = row;
    const code = listing.roomId;
    const full = isFull(listing);
    row.element.dataset.node = listing.publicAddress ?? "";
    row.element.classList.toggle("full", full);
    setText(row.name, t("lobby.arenaName", { code }));
    setText(row.players, t("lobby.players", { count: listing.clients, max: listing.maxClients }));
    setText(row.node, listing.publicAddress === undefined ? t("lobby.nodeUnknown") : t("lobby.node", { node: listing.publicAddress }));
    setText(row.button, t(full ? "lobby.full" : "lobby.join"));
    row.button.setAttribute("aria-label", t(full ? "lobby.fullLabel" : "lobby.joinLabel", { code }));
    if (full && !row.button.disabled && document.activeElement === row.button) {
      // A disabled button drops focus to the page body, so hand it to Quick play instead.
      this.quickPlay.focus();
    }
    row.button.disabled = full;
  }

  private renderStatus(): void {
    let text = "";
    if (this.status === "loading" && this.rows.size === 0) {
      text = t("lobby.loading");
    } else if (this.status === "unavailable") {
      text = t("lobby.unavailable");
    } else if (this.status === "ready" && this.rows.size === 0) {
      text = t("lobby.empty");
    }
    setText(this.statusText, text);
  }
}
