import { readFileSync } from "node:fs";
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";

/** A certificate and its private key, read and checked at start. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
  /** Subject and expiry of the certificate, for the start-up log line. */
  subject: string;
  validTo: Date;
}

/** Raised when TLS_CERT_FILE or TLS_KEY_FILE cannot be used; the message names the variable. */
export class TlsConfigError extends Error {
  override name = "TlsConfigError";
}

function readVariableFile(variable: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new TlsConfigError(`${variable}=${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); fix the path or unset TLS_CERT_FILE and TLS_KEY_FILE`);
  }
}

function parse<T>(variable: string, file: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new TlsConfigError(`${variable}=${file} is not ${what} (${(error as Error).message}); an encrypted key is not supported`);
  }
}

/**
 * Reads the PEM certificate (chain) and unencrypted private key and checks that they belong
 * together. uWebSockets.js reads the files itself and, given unusable ones, starts a server
 * whose every handshake fails, so the check runs before either transport gets them.
 */
export function loadTlsFiles(certFile: string, keyFile: string): TlsFiles {
  const cert = readVariableFile("TLS_CERT_FILE", certFile);
  const key = readVariableFile("TLS_KEY_FILE", keyFile);
  const x509 = parse("TLS_CERT_FILE", certFile, "a PEM certificate", () => new X509Certificate(cert));
  const privateKey: KeyObject = parse("TLS_KEY_FILE", keyFile, "a PEM private key", () => createPrivateKey(key));
  if (!x509.checkPrivateKey(privateKey)) {
    throw new TlsConfigError(`TLS_KEY_FILE=${keyFile} does not belong to the certificate in TLS_CERT_FILE=${certFile}`);
  }
  return { certFile, keyFile, cert, key, subject: x509.subject.replace(/\n/g, ", "), validTo: new Date(x509.validTo) };
}
