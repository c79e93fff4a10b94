/**
 * Debian's Chromium, driven by playwright-core, with a fresh profile per launch so no test sees
 * another test's stored name, token or language.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * The machine has no network but 127.0.0.1, so every background connection Chromium would
 * open (updates, sync, QUIC probes) is switched off instead of failing over and over.
 */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

export interface BrowserOptions {
  width?: number;
  height?: number;
  /** The browser language, which the page uses until the player picks one. */
  locale?: "en-US" | "zh-CN";
  /** A phone: touch screen, coarse pointer, mobile viewport. */
  mobile?: boolean;
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 360, height: 740 } as const;

export async function launchBrowser(options: BrowserOptions = {}): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), "orbit-e2e-chromium-"));
  const mobile = options.mobile ?? false;
  let context: BrowserContext;
  try {
    // A persistent context is how playwright takes a --user-data-dir of our choosing.
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: options.width ?? DESKTOP.width, height: options.height ?? DESKTOP.height },
      locale: options.locale ?? "en-US",
      isMobile: mobile,
      hasTouch: mobile,
      deviceScaleFactor: 1,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      try {
        await context.close();
      } finally {
        await rm(profile, { recursive: true, force: true });
      }
    },
  };
}
