// Inside a Docker or Podman container, the container's own id: it names the container for `docker exec` whatever
// the person called it, so the approve command on the pairing screen works when pasted. Both engines bind-mount
// /etc/hostname from a file in the container's own directory, and /proc/self/mountinfo shows that path.
import { readFileSync } from "node:fs";

export interface ContainerInfo {
  engine: "docker" | "podman";
  /** The short id (12 hex digits), as `docker ps` shows it; `docker exec` and `podman exec` take it. */
  id: string;
}

// mountinfo fields: id parent major:minor ROOT MOUNTPOINT …; ROOT is the source path inside its file system.
// Podman: …/overlay-containers/<64 hex>/userdata/hostname; Docker: …/containers/<64 hex>/hostname.
const HOSTNAME_MOUNT = /\s\S*\/(overlay-containers\/([0-9a-f]{64})\/userdata|containers\/([0-9a-f]{64}))\/hostname\s\/etc\/hostname\s/;

export function detectContainer(mountinfo: string): ContainerInfo | null {
  const m = HOSTNAME_MOUNT.exec(mountinfo);
  if (!m) return null;
  return m[2] ? { engine: "podman", id: m[2].slice(0, 12) } : { engine: "docker", id: m[3]!.slice(0, 12) };
}

function ownMountinfo(): string {
  try {
    return readFileSync("/proc/self/mountinfo", "utf8");
  } catch {
    return ""; // not Linux, or no /proc: not in a container we can name, so the install's own command applies
  }
}

/** `docker exec <id> pairgate` (or podman) in a container whose id can be read; null elsewhere. */
export function containerCliCommand(mountinfo = ownMountinfo()): string | null {
  const c = detectContainer(mountinfo);
  return c ? `${c.engine} exec ${c.id} pairgate` : null;
}
