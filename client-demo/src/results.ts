/** Overlay with the round's standings, shown while the room is in its "results" phase. */
import { byId, createElement, setText } from "./dom.ts";
import { t } from "./i18n.ts";
import type { Standing } from "./messages.ts";

/** Rows shown, so the overlay fits a 360 px wide phone screen. */
const MAX_ROWS = 10;

export interface ResultsView {
  round: number;
  standings: Standing[];
  nextRoundAt: number;
  ownPlayerId: string;
}

export class ResultsOverlay {
  private readonly root = byId("results");
  private readonly heading = byId("results-heading");
  private readonly list = byId("results-list");
  private readonly next = byId("results-next");
  private renderedKey = "";

  /** Shows or refreshes the overlay, rebuilding the list only when the standings or the language changed. */
  show(view: ResultsView, now: number, locale: string): void {
    this.root.hidden = false;
    setText(this.heading, t("results.heading", { round: view.round }));
    const seconds = Math.max(0, Math.ceil((view.nextRoundAt - now) / 1000));
    setText(this.next, t("results.nextRound", { seconds }));
    const key = `${locale}|${view.ownPlayerId}|${view.standings.map((s) => `${s.playerId}:${s.score}:${s.name}`).join(",")}`;
    if (key !== this.renderedKey) {
      this.renderedKey = key;
      this.renderList(view);
    }
  }

  hide(): void {
    this.root.hidden = true;
  }

  private renderList(view: ResultsView): void {
    const rows = view.standings.slice(0, MAX_ROWS);
    if (rows.length === 0 || rows.every((standing) => standing.score === 0)) {
      this.list.replaceChildren(createElement("li", "results-empty", t("results.empty")));
      return;
    }
    this.list.replaceChildren(...rows.map((standing, index) => renderRow(standing, index + 1, view.ownPlayerId)));
  }
}

function renderRow(standing: Standing, place: number, ownPlayerId: string): HTMLLIElement {
  const row = createElement("li", "results-row");
  if (standing.playerId === ownPlayerId) {
    row.classList.add("own");
  }
  row.append(
    createElement("span", "place", String(place)),
    createElement("span", "name", standing.name),
    createElement("span", "points", t("results.points", { score: standing.score })),
  );
  return row;
}
