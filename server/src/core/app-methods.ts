// An embedding app's own methods on the device's authenticated socket: minimum role, zod params schema and a
// handler. The role check and the params parse happen here, on the server, before the handler runs.
import { safeParse, type $ZodType, type output } from "zod/v4/core";
import { isReservedName, PairgateError, type Role, type SeenFrom } from "../../../shared/index.js";
import { invalidParams } from "../gateway/rpc-handlers.js";

/** The paired device that called. */
export interface MethodDevice {
  id: string;
  name: string;
  /** What the pairing screen and the devices list show, e.g. "K3QF-M2ZA". */
  fingerprint: string;
}

/** What a handler knows about its caller. `signal` aborts when the socket closes (a revoke included). */
export interface MethodContext {
  device: MethodDevice;
  role: Role;
  seenFrom: SeenFrom;
  signal: AbortSignal;
}

export interface AppMethod<S extends $ZodType = $ZodType, R = unknown> {
  /** The lowest role that may call it: "viewer" (every paired device) or "admin". */
  role: Role;
  params: S;
  handler: (params: output<S>, ctx: MethodContext) => R | Promise<R>;
}

// `any` on purpose: a map holds methods with different schemas and results; each keeps its own types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MethodMap = Record<string, AppMethod<any, any>>;

/** Identity at run time; it only lets TypeScript infer each handler's params from its schema. */
export function defineMethod<S extends $ZodType, R>(method: AppMethod<S, R>): AppMethod<S, R> {
  return method;
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, admin: 1 };

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[minimum];
}

/** Refuses reserved and malformed names at createPairgate time, naming the method. Duplicates can't exist in one object. */
export function checkMethodMap(methods: MethodMap): void {
  for (const [name, method] of Object.entries(methods)) {
    if (isReservedName(name))
      throw new TypeError(`pairgate: method "${name}" uses a reserved name (gateway.*, devices.*, invites.*, audit.*, pairing.*, device.* belong to pairgate)`);
    if (name.length < 1 || name.length > 64) throw new TypeError(`pairgate: method "${name.slice(0, 80)}" needs a name of 1 to 64 characters`);
    if (!method || typeof method.handler !== "function") throw new TypeError(`pairgate: method "${name}" has no handler`);
    if (!(method.role in ROLE_RANK)) throw new TypeError(`pairgate: method "${name}" has role ${JSON.stringify(method.role)}; expected "viewer" or "admin"`);
    if (!method.params || typeof method.params !== "object" || !("_zod" in method.params))
      throw new TypeError(`pairgate: method "${name}" needs a zod schema as params`);
  }
}

/** Merges method maps (for apps that split them by feature), refusing a name registered twice. */
export function mergeMethodMaps(...maps: MethodMap[]): MethodMap {
  const merged: MethodMap = {};
  for (const map of maps) {
    for (const [name, method] of Object.entries(map)) {
      if (Object.hasOwn(merged, name)) throw new TypeError(`pairgate: method "${name}" is registered twice`);
      merged[name] = method;
    }
  }
  return merged;
}

export async function callAppMethod(methods: MethodMap, name: string, rawParams: unknown, ctx: MethodContext): Promise<unknown> {
  const method = Object.hasOwn(methods, name) ? methods[name] : undefined;
  if (!method) throw new PairgateError("not_found", `Unknown method ${name.slice(0, 64)}.`);
  // Role before params, as for built-in methods: a viewer learns nothing about an admin method's params.
  if (!roleAtLeast(ctx.role, method.role)) throw new PairgateError("forbidden", `This needs the ${method.role} role.`);
  const parsed = safeParse(method.params, rawParams ?? {});
  if (!parsed.success) throw invalidParams(parsed.error.issues);
  // Anything but a PairgateError becomes `internal` at the socket edge, logged there and never sent.
  return await method.handler(parsed.data, ctx);
}
