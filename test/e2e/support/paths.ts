/** Folders the browser suite reads from and writes to. */
import { fileURLToPath } from "node:url";

export const REPOSITORY_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Screenshots of the key moments, for people to look at after a run. */
export const SCREENSHOT_DIR = fileURLToPath(new URL("../../../test-results/e2e/", import.meta.url));
