/** Shows an administrator's announcement as a banner at the top for a few seconds. */
import { byId, setText } from "./dom.ts";
import type { Announcement } from "./messages.ts";

/**
 * Time an announcement stays visible: a base plus a share per character, so a long text stays
 * longer, up to a cap. An estimate of reading speed, not a measured one.
 */
const BASE_VISIBLE_MS = 6000;
const VISIBLE_MS_PER_CHARACTER = 60;
const MAX_VISIBLE_MS = 30_000;

export class AnnouncementBanner {
  private readonly root = byId("announcement");
  private readonly text = byId("announcement-text");
  private hideTimer: number | undefined;

  /** Shows `announcement`, replacing any earlier one, and hides it once it has had time to be read. */
  show(announcement: Announcement): void {
    setText(this.text, announcement.text);
    this.root.hidden = false;
    window.clearTimeout(this.hideTimer);
    const visibleMs = Math.min(MAX_VISIBLE_MS, BASE_VISIBLE_MS + announcement.text.length * VISIBLE_MS_PER_CHARACTER);
    this.hideTimer = window.setTimeout(() => this.hide(), visibleMs);
  }

  hide(): void {
    window.clearTimeout(this.hideTimer);
    this.root.hidden = true;
  }
}
