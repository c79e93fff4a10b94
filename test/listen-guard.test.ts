import { createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../src/logger.ts";
import { ListenGuard } from "../src/server/listen-guard.ts";
import { createTransport } from "../src/server/transport.ts";

/** Listens on a free port of every interface and returns the server and its port. */
async function occupyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return { server, port: address.port };
}

describe("listen guard", () => {
  const log = createLogger("silent", "test");
  const cleanups: Array<() => void> = [];

  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  for (const choice of ["uws", "ws"] as const) {
    it(`rejects a taken port (${choice})`, async () => {
      const blocker = await occupyPort();
      cleanups.push(() => blocker.server.close());
      const guard = new ListenGuard({ host: undefined, port: blocker.port });
      const { transport } = await createTransport(choice, log, undefined, guard);
      cleanups.push(() => transport.shutdown());

      transport.listen(blocker.port, undefined, undefined, () => undefined);

      await expect(guard.failed).rejects.toThrow(`could not listen on all interfaces:${blocker.port}`);
    });
  }
});
