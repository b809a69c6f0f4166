// Who makes a request: a paired device's session, or the local operator (the CLI, or an app's server code). The
// dispatcher checks roles on the caller, and the audit log names its actor.
import type { Role, SeenFrom } from "../../../shared/index.js";
import type { Actor } from "../pairing/pairing-service.js";

export type RpcCaller =
  | { kind: "device"; deviceId: string; role: Role; name: string; seenFrom: SeenFrom; origin: string; fingerprint?: string; signal?: AbortSignal }
  /** The local operator: the CLI, or an app's server code; `actor` names it in the audit log (default "cli"). */
  | { kind: "cli"; actor?: string };

export function actorOf(caller: RpcCaller): Actor {
  return caller.kind === "cli" ? { name: caller.actor ?? "cli", via: "cli" } : { name: caller.name, via: "dashboard", deviceId: caller.deviceId };
}
