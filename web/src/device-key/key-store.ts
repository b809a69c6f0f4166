// The device key's single IndexedDB record (idb-keyval's default store, key "pairgate.deviceKey.v1").
// Never localStorage: a CryptoKey can't live there, and a software secret there is readable by any script.
import { del, get, set, update, type UseStore } from "idb-keyval";
import type { KeyStorage } from "../../../shared/protocol/views.js";

export const DEVICE_KEY_RECORD = "pairgate.deviceKey.v1";
const PROBE_RECORD = "pairgate.preflight.v1";

export type StoredDeviceKey =
  | { version: 1; keyStorage: "webcrypto"; publicKey: Uint8Array; keyPair: CryptoKeyPair; createdAtMs: number }
  | { version: 1; keyStorage: "software"; publicKey: Uint8Array; secretKey: Uint8Array; createdAtMs: number };

export interface KeyStore {
  /** The stored value as found (maybe corrupt or from another version), or undefined. Throws if storage fails. */
  read(): Promise<unknown>;
  /** Stores `record` only when nothing is stored, in one transaction; resolves to what is stored afterwards. */
  writeIfAbsent(record: StoredDeviceKey): Promise<unknown>;
  remove(): Promise<void>;
  /** Writes, reads back and deletes a throwaway value; throws when IndexedDB can't do that. */
  probe(): Promise<void>;
}

/** `useStore`: where idb-keyval keeps it (default: its own database, opened on first use). */
export function createIdbKeyStore(useStore?: UseStore): KeyStore {
  return {
    read: () => get(DEVICE_KEY_RECORD, useStore),
    async writeIfAbsent(record) {
      // One readwrite transaction: two first-visit tabs can't both store a key and orphan one of them.
      let stored: unknown;
      await update<unknown>(DEVICE_KEY_RECORD, (existing) => (stored = existing ?? record), useStore);
      return stored;
    },
    remove: () => del(DEVICE_KEY_RECORD, useStore),
    async probe() {
      const token = Math.random();
      await set(PROBE_RECORD, token, useStore);
      const readBack = await get<number>(PROBE_RECORD, useStore);
      await del(PROBE_RECORD, useStore);
      if (readBack !== token) throw new Error("IndexedDB returned a different value than was written");
    },
  };
}

/** Returns the record when `raw` has exactly the shape this version writes, else null (never guesses). */
export function decodeStoredKey(raw: unknown): StoredDeviceKey | null {
  if (!isObject(raw) || raw.version !== 1 || !isBytes(raw.publicKey, 32) || typeof raw.createdAtMs !== "number") {
    return null;
  }
  const keyStorage: unknown = raw.keyStorage;
  if (keyStorage === ("webcrypto" satisfies KeyStorage)) {
    const keyPair = raw.keyPair;
    if (!isObject(keyPair) || !isEd25519Key(keyPair.privateKey, "private") || !isEd25519Key(keyPair.publicKey, "public")) {
      return null;
    }
    return { version: 1, keyStorage, publicKey: raw.publicKey, keyPair: keyPair as unknown as CryptoKeyPair, createdAtMs: raw.createdAtMs };
  }
  if (keyStorage === ("software" satisfies KeyStorage) && isBytes(raw.secretKey, 32)) {
    return { version: 1, keyStorage, publicKey: raw.publicKey, secretKey: raw.secretKey, createdAtMs: raw.createdAtMs };
  }
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isBytes(value: unknown, length: number): value is Uint8Array {
  return value instanceof Uint8Array && value.length === length;
}

function isEd25519Key(value: unknown, type: "private" | "public"): boolean {
  if (!isObject(value) || value.type !== type) return false;
  const algorithm = value.algorithm;
  return isObject(algorithm) && algorithm.name === "Ed25519";
}
