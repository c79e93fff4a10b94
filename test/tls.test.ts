import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/env.ts";
import { createLogger } from "../src/logger.ts";
import { createTransport } from "../src/server/transport.ts";
import { createTestEnvironment, type TestEnvironment } from "./support/environment.ts";
import { startGameNode, type GameNode } from "./support/game-node.ts";

const run = promisify(execFile);
const REPOSITORY_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Creates a self-signed certificate for localhost, valid for one day. */
async function makeCertificate(folder: string): Promise<{ certFile: string; keyFile: string; cert: Buffer }> {
  const certFile = path.join(folder, "cert.pem");
  const keyFile = path.join(folder, "key.pem");
  await run("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "1",
    "-addext", "subjectAltName=DNS:localhost", "-keyout", keyFile, "-out", certFile,
  ]);
  return { certFile, keyFile, cert: await readFile(certFile) };
}

/** GET over HTTPS trusting `ca`; resolves with the status code. */
function httpsStatus(url: string, ca: Buffer | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, ca ? { ca } : {}, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe.each(["uws", "ws"] as const)("TLS over %s", (transportName) => {
  let folder: string;
  let certificate: { certFile: string; keyFile: string; cert: Buffer };
  let env: TestEnvironment;
  let node: GameNode;
  let httpsUrl: string;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), "orbit-tls-"));
    certificate = await makeCertificate(folder);
    env = await createTestEnvironment({
      TRANSPORT: transportName,
      TLS_CERT_FILE: certificate.certFile,
      TLS_KEY_FILE: certificate.keyFile,
      ROUND_SECONDS: "2",
      RESULTS_SECONDS: "1",
    });
    node = await startGameNode(env);
    httpsUrl = `https://localhost:${env.config.PORT}`;
  });

  afterAll(async () => {
    await node?.stop();
    await env?.cleanup();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("SDK round over verified WSS", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "test/support/wss-player.ts", httpsUrl], {
      cwd: REPOSITORY_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_EXTRA_CA_CERTS: certificate.certFile },
      timeout: 30_000,
    });
    const report = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as { ok: boolean; round: number; lastSeq: number };
    expect(report.ok).toBe(true);
    expect(report.round).toBeGreaterThanOrEqual(1);
    expect(report.lastSeq).toBeGreaterThan(0);
  });

  it("HTTPS only for trusting clients", async () => {
    expect(await httpsStatus(`${httpsUrl}/healthz`, certificate.cert)).toBe(200);
    // Without the certificate as a trusted CA the handshake fails: TLS is real, not decorative.
    await expect(httpsStatus(`${httpsUrl}/healthz`, undefined)).rejects.toThrow(/self-signed|self signed/i);
    // Plain HTTP on the TLS port gets no response.
    await expect(fetch(`http://127.0.0.1:${env.config.PORT}/healthz`, { signal: AbortSignal.timeout(5000) })).rejects.toThrow();
  });
});

describe("TLS configuration errors", () => {
  const log = createLogger("silent", "tls-config");

  /** Builds the transport from these TLS variables; the check runs before anything listens. */
  function transportWith(certFile: string, keyFile: string): Promise<unknown> {
    return createTransport("auto", log, loadConfig({ NODE_ENV: "test", TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile }));
  }

  it("mismatched or unreadable TLS files", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "orbit-tls-bad-"));
    try {
      const first = await makeCertificate(await mkdtemp(path.join(folder, "a-")));
      const second = await makeCertificate(await mkdtemp(path.join(folder, "b-")));
      await expect(transportWith(first.certFile, second.keyFile)).rejects.toThrow(/TLS_KEY_FILE=.* does not belong to the certificate/);
      await expect(transportWith(path.join(folder, "none.pem"), first.keyFile)).rejects.toThrow(/TLS_CERT_FILE=.* cannot be read \(ENOENT\)/);
      await expect(transportWith(first.keyFile, first.keyFile)).rejects.toThrow(/TLS_CERT_FILE=.* is not a PEM certificate/);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
