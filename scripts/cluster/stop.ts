/** `npm run cluster:stop`: stops and removes every process of the PM2 process file. */
import { execFileSync } from "node:child_process";
import { pm2Binary } from "./pm2.ts";

execFileSync(process.execPath, [pm2Binary(), "delete", "ecosystem.config.js"], { stdio: "inherit" });
