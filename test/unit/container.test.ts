// The container id behind the default approve command: read from the /etc/hostname bind mount that Docker and
// Podman make, never guessed from the hostname (which a person may have set).
import { describe, expect, it } from "vitest";
import { containerCliCommand, detectContainer } from "../../server/src/config/container.js";

const ID = "3f2a9c1b7d4e8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b";
// Lines as /proc/self/mountinfo shows them inside each engine's container (trimmed to the relevant mounts).
const DOCKER = [
  "1195 1029 0:141 / / rw,relatime master:300 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X",
  `1210 1195 254:1 /var/lib/docker/containers/${ID}/resolv.conf /etc/resolv.conf rw,relatime - ext4 /dev/vda1 rw`,
  `1211 1195 254:1 /var/lib/docker/containers/${ID}/hostname /etc/hostname rw,relatime - ext4 /dev/vda1 rw`,
  `1212 1195 254:1 /var/lib/docker/containers/${ID}/hosts /etc/hosts rw,relatime - ext4 /dev/vda1 rw`,
].join("\n");
const PODMAN = [
  "640 560 0:52 / / ro,relatime - overlay overlay rw,lowerdir=/var/lib/containers/storage/overlay/l/Y",
  `652 640 0:25 /containers/storage/overlay-containers/${ID}/userdata/hostname /etc/hostname rw,nosuid,nodev - tmpfs tmpfs rw`,
].join("\n");
const HOST = "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n23 22 0:5 / /dev rw - devtmpfs udev rw";

describe("detectContainer", () => {
  it("reads Docker's container id from the /etc/hostname mount", () => {
    expect(detectContainer(DOCKER)).toEqual({ engine: "docker", id: ID.slice(0, 12) });
  });

  it("reads Podman's container id from its userdata hostname file", () => {
    expect(detectContainer(PODMAN)).toEqual({ engine: "podman", id: ID.slice(0, 12) });
  });

  it("finds no container on a plain machine, nor from a hostname file mounted elsewhere", () => {
    expect(detectContainer(HOST)).toBeNull();
    expect(detectContainer(`99 1 254:1 /var/lib/docker/containers/${ID}/hostname /mnt/hostname rw - ext4 /dev/vda1 rw`)).toBeNull();
    expect(detectContainer("")).toBeNull();
  });
});

describe("containerCliCommand", () => {
  it("names the container by its id inside one, and leaves the choice to the install elsewhere", () => {
    expect(containerCliCommand(DOCKER)).toBe(`docker exec ${ID.slice(0, 12)} pairgate`);
    expect(containerCliCommand(PODMAN)).toBe(`podman exec ${ID.slice(0, 12)} pairgate`);
    expect(containerCliCommand(HOST)).toBeNull();
  });
});
