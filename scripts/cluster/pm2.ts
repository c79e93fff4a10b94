import { createRequire } from "node:module";

/** Path of the PM2 command installed with the project, so no global install is needed. */
export function pm2Binary(): string {
  const require = createRequire(import.meta.url);
  return require.resolve("pm2/bin/pm2");
}
