import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Backends } from "../../src/server/backends.ts";
import { openBackends } from "../../src/server/open-backends.ts";
import { createTestEnvironment, type TestEnvironment } from "./environment.ts";

/** One way of running the stateful parts, as the core suites run them with `describe.each`. */
export interface BackendMode {
  /** Short name for test titles. */
  name: "external" | "embedded";
  description: string;
  /**
   * Creates a test environment whose configuration forces this mode; `overrides` are further
   * environment variables. Its cleanup also deletes the files the mode created.
   */
  createEnvironment(overrides?: Record<string, string>): Promise<TestEnvironment>;
}

/** Embedded mode with its own temporary DATA_DIR, deleted by the environment's cleanup. */
async function createEmbeddedEnvironment(overrides: Record<string, string> = {}): Promise<TestEnvironment> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "orbit-test-pglite-"));
  let env: TestEnvironment;
  try {
    env = await createTestEnvironment({ STORAGE_MODE: "embedded", DATA_DIR: dataDir, ...overrides });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    ...env,
    async cleanup() {
      try {
        await env.cleanup();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

export const BACKEND_MODES: readonly BackendMode[] = [
  {
    name: "external",
    description: "Redis (presence, driver, cache, BullMQ) and PostgreSQL",
    createEnvironment: (overrides = {}) => createTestEnvironment({ STORAGE_MODE: "external", ...overrides }),
  },
  {
    name: "embedded",
    description: "local presence, memory cache, in-process jobs and PGlite",
    createEnvironment: createEmbeddedEnvironment,
  },
];

/** Opens the back ends that the environment's STORAGE_MODE selects. */
export function openTestBackends(env: TestEnvironment, options: { withMatchmaking: boolean } = { withMatchmaking: false }): Promise<Backends> {
  return openBackends(env.config, env.log, options);
}
