import { readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

/** Name of the lock file inside the data directory. It contains the owner's process id. */
const LOCK_FILE = "orbit-arena.lock";

/** An exclusive claim on a data directory, held until `release`. */
export interface DataDirLock {
  readonly file: string;
  release(): Promise<void>;
}

/** Raised when another running process has locked the data directory. */
export class DataDirBusyError extends Error {
  override name = "DataDirBusyError";
}

/** True when a process with this id exists (EPERM means it exists under another user). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readOwner(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(await readFile(file, "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Claims `directory` for this process. PGlite opens a data directory without any guard, and
 * two processes writing to one directory corrupt it, so a second server must fail instead.
 * A lock left behind by a process that no longer exists is taken over.
 */
export async function lockDataDir(directory: string, variable: string): Promise<DataDirLock> {
  const file = path.join(directory, LOCK_FILE);

  // Two attempts: the second follows the removal of a stale lock.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: "wx" });
      return { file, release: () => releaseLock(file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }

    const owner = await readOwner(file);
    if (owner !== undefined && owner !== process.pid && processExists(owner)) {
      throw new DataDirBusyError(
        `${variable}=${directory} is in use by process ${owner}, and the embedded database allows one process at a time; ` +
          `stop that process, set another ${variable}, or set DATABASE_URL to share PostgreSQL. ` +
          `If no such server runs, delete ${file}.`,
      );
    }
    if (owner === process.pid) {
      throw new DataDirBusyError(`${variable}=${directory} is already open in this process; close it before opening it again`);
    }
    await unlink(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }
  throw new DataDirBusyError(`${variable}=${directory}: another process claimed the lock file ${file} at the same time`);
}

/** Deletes the lock file if this process still owns it. */
async function releaseLock(file: string): Promise<void> {
  if ((await readOwner(file)) !== process.pid) return;
  await unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
}
