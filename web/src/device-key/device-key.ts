// This browser's identity: load the Ed25519 key from IndexedDB, or create one on first visit.
// An existing record that can't be used is reported, never silently replaced (docs/design.md#dashboard): replacing it
// would orphan a paired device and hide the failure. Only replaceDeviceKey, an explicit user action, deletes it.
import { encodeB64u } from "../../../shared/encoding/b64u.js";
import type { KeyStorage } from "../../../shared/protocol/views.js";
import { decodeStoredKey, type KeyStore, type StoredDeviceKey } from "./key-store.js";

export interface DeviceKey {
  publicKey: Uint8Array;
  publicKeyB64u: string;
  keyStorage: KeyStorage;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export type DeviceKeyResult =
  | { status: "ready"; key: DeviceKey; isNew: boolean }
  | { status: "key_unreadable"; reason: string }
  | { status: "storage_unavailable"; reason: string };

export interface DeviceKeyEnv {
  store: KeyStore;
  /** crypto.subtle, or undefined on insecure origins (plain http on a LAN address). */
  subtle: SubtleCrypto | undefined;
  now(): number;
}

export async function loadDeviceKey(env: DeviceKeyEnv): Promise<DeviceKeyResult> {
  let raw: unknown;
  try {
    raw = await env.store.read();
  } catch (error) {
    return explainReadFailure(env.store, error);
  }
  if (raw === undefined) return createDeviceKey(env);
  return openStoredKey(env, raw, false);
}

/** "Pair again": deletes the stored key (revoked or unreadable) and makes a new one. Only on a user's click. */
export async function replaceDeviceKey(env: DeviceKeyEnv): Promise<DeviceKeyResult> {
  try {
    await env.store.remove();
  } catch (error) {
    return { status: "storage_unavailable", reason: `Could not delete the old key: ${describe(error)}` };
  }
  return createDeviceKey(env);
}

async function createDeviceKey(env: DeviceKeyEnv): Promise<DeviceKeyResult> {
  const webcrypto = env.subtle ? await generateWebCryptoRecord(env.subtle, env.now()) : null;
  try {
    if (webcrypto) {
      try {
        return await storeAndOpen(env, webcrypto);
      } catch (error) {
        // Some engines can't store an Ed25519 CryptoKey (DataCloneError); a software key still works there.
        if (!(error instanceof DOMException && error.name === "DataCloneError")) throw error;
      }
    }
    return await storeAndOpen(env, await generateSoftwareRecord(env.now()));
  } catch (error) {
    return { status: "storage_unavailable", reason: `Could not save a new key: ${describe(error)}` };
  }
}

async function storeAndOpen(env: DeviceKeyEnv, record: StoredDeviceKey): Promise<DeviceKeyResult> {
  const stored = await env.store.writeIfAbsent(record);
  const isNew = stored !== undefined && samePublicKey(decodeStoredKey(stored)?.publicKey, record.publicKey);
  // A key made a moment ago needs no self-test; one another tab stored first is opened like any stored key.
  return openStoredKey(env, isNew ? record : stored, isNew);
}

async function generateWebCryptoRecord(subtle: SubtleCrypto, nowMs: number): Promise<StoredDeviceKey | null> {
  try {
    // Non-extractable: scripts (ours included) can sign with the private key but never read it.
    const keyPair = (await subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"])) as CryptoKeyPair;
    const publicKey = new Uint8Array(await subtle.exportKey("raw", keyPair.publicKey));
    return { version: 1, keyStorage: "webcrypto", publicKey, keyPair, createdAtMs: nowMs };
  } catch {
    // 2025: Chrome < 137 and older Safari lack WebCrypto Ed25519 (NotSupportedError). The caller falls back
    // to a software key, and the pairing screen says "software" so the user sees the weaker storage.
    return null;
  }
}

async function generateSoftwareRecord(nowMs: number): Promise<StoredDeviceKey> {
  const software = await import("./software-ed25519.js");
  const secretKey = software.randomSecretKey();
  const publicKey = software.publicKeyFromSecret(secretKey);
  return { version: 1, keyStorage: "software", publicKey, secretKey, createdAtMs: nowMs };
}

async function openStoredKey(env: DeviceKeyEnv, raw: unknown, isNew: boolean): Promise<DeviceKeyResult> {
  const record = decodeStoredKey(raw);
  if (!record) return { status: "key_unreadable", reason: "The stored key record is damaged or from another version." };
  try {
    const sign = record.keyStorage === "webcrypto" ? await openWebCryptoKey(env.subtle, record, !isNew) : await openSoftwareKey(record, !isNew);
    const key: DeviceKey = {
      publicKey: record.publicKey,
      publicKeyB64u: encodeB64u(record.publicKey),
      keyStorage: record.keyStorage,
      sign,
    };
    return { status: "ready", key, isNew };
  } catch (error) {
    return { status: "key_unreadable", reason: describe(error) };
  }
}

type Signer = (message: Uint8Array) => Promise<Uint8Array>;

async function openWebCryptoKey(
  subtle: SubtleCrypto | undefined,
  record: Extract<StoredDeviceKey, { keyStorage: "webcrypto" }>,
  shouldSelfTest: boolean,
): Promise<Signer> {
  if (!subtle) throw new Error("This key lives in WebCrypto, which this page can't use.");
  const { privateKey, publicKey } = record.keyPair;
  const sign: Signer = async (message) => new Uint8Array(await subtle.sign({ name: "Ed25519" }, privateKey, copyBytes(message)));
  if (!shouldSelfTest) return sign;
  // Self-test a stored key once: its public half must match, and its private half must still sign.
  const probe = new TextEncoder().encode("pairgate/self-test");
  const exported = new Uint8Array(await subtle.exportKey("raw", publicKey));
  if (!samePublicKey(exported, record.publicKey)) throw new Error("The stored key halves do not match.");
  if (!(await subtle.verify({ name: "Ed25519" }, publicKey, copyBytes(await sign(probe)), probe))) {
    throw new Error("The stored key no longer produces valid signatures.");
  }
  return sign;
}

async function openSoftwareKey(record: Extract<StoredDeviceKey, { keyStorage: "software" }>, shouldSelfTest: boolean): Promise<Signer> {
  const software = await import("./software-ed25519.js");
  if (shouldSelfTest && !samePublicKey(software.publicKeyFromSecret(record.secretKey), record.publicKey)) {
    throw new Error("The stored secret does not match its public key.");
  }
  const secretKey = record.secretKey;
  return async (message) => software.signWithSecret(message, secretKey);
}

async function explainReadFailure(store: KeyStore, error: unknown): Promise<DeviceKeyResult> {
  // If a plain value still round-trips, IndexedDB works and it is this record that can't be read.
  try {
    await store.probe();
  } catch {
    return { status: "storage_unavailable", reason: describe(error) };
  }
  return { status: "key_unreadable", reason: describe(error) };
}

function samePublicKey(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function copyBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== "Error" ? `${error.name}: ${error.message}` : error.message;
  return String(error);
}
