import { readFileSync, readdirSync, readlinkSync } from "node:fs";

/** TCP state code of a listening socket in /proc/net/tcp. */
const LISTEN = "0A";

/** Inodes of the sockets listening on `port`, over IPv4 and IPv6. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const columns = line.trim().split(/\s+/);
      const local = columns[1];
      if (!local || columns[3] !== LISTEN) continue;
      const portHex = local.slice(local.lastIndexOf(":") + 1);
      if (Number.parseInt(portHex, 16) === port && columns[9]) inodes.add(columns[9]);
    }
  }
  return inodes;
}

/** True when one of the process's open files is one of the sockets. */
function holdsSocket(pid: string, inodes: Set<string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1] !== undefined && inodes.has(match[1])) return true;
    } catch {
      // The descriptor closed while we listed it.
    }
  }
  return false;
}

/** Process ids that hold a socket listening on `port` on this machine. */
export function pidsListeningOn(port: number): number[] {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return [];
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry) && holdsSocket(entry, inodes))
    .map(Number);
}
