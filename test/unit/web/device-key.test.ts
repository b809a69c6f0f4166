// The device key in IndexedDB (fake-indexeddb standing in for the browser's): WebCrypto and software keys
// round-trip, a damaged record is reported and never silently replaced, and nothing goes near localStorage.
import "fake-indexeddb/auto";
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { clear, get, set } from "idb-keyval";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeB64u } from "../../../shared/encoding/b64u.js";
import { loadDeviceKey, replaceDeviceKey, type DeviceKeyEnv } from "../../../web/src/device-key/device-key.js";
import { createIdbKeyStore, DEVICE_KEY_RECORD, type KeyStore } from "../../../web/src/device-key/key-store.js";

ed.hashes.sha512 = sha512;

const message = new TextEncoder().encode("pairgate test message");

function env(overrides: Partial<DeviceKeyEnv> = {}): DeviceKeyEnv {
  return { store: createIdbKeyStore(), subtle: globalThis.crypto.subtle, now: () => 1_764_028_800_000, ...overrides };
}

async function readyKey(result: Awaited<ReturnType<typeof loadDeviceKey>>) {
  if (result.status !== "ready") throw new Error(`expected a ready key, got ${result.status}: ${result.reason}`);
  return result;
}

let localStorageReads = 0;
beforeEach(async () => {
  await clear();
  localStorageReads = 0;
  // Node has no localStorage; a trap makes any use of it by the key code visible.
  Object.defineProperty(globalThis, "localStorage", {
    configurable: true,
    get() {
      localStorageReads += 1;
      throw new Error("localStorage must never hold a device key");
    },
  });
});
afterEach(() => {
  Reflect.deleteProperty(globalThis, "localStorage");
});

describe("device key storage", () => {
  it("creates a non-extractable WebCrypto key on first load, stores it in one IndexedDB record and signs with it after reading it back", async () => {
    const first = await readyKey(await loadDeviceKey(env()));
    expect(first.isNew).toBe(true);
    expect(first.key.keyStorage).toBe("webcrypto");
    expect(decodeB64u(first.key.publicKeyB64u)).toEqual(first.key.publicKey);

    const record = (await get(DEVICE_KEY_RECORD)) as { keyPair: CryptoKeyPair; keyStorage: string };
    expect(record.keyStorage).toBe("webcrypto");
    expect(record.keyPair.privateKey.extractable).toBe(false);
    await expect(crypto.subtle.exportKey("pkcs8", record.keyPair.privateKey)).rejects.toThrow();

    const again = await readyKey(await loadDeviceKey(env()));
    expect(again.isNew).toBe(false);
    expect(again.key.publicKey).toEqual(first.key.publicKey);
    const signature = await again.key.sign(message);
    expect(ed.verify(signature, message, first.key.publicKey)).toBe(true);
    expect(localStorageReads).toBe(0);
  });

  it("uses a software key where there is no crypto.subtle (plain http), and keeps the same key across loads", async () => {
    const first = await readyKey(await loadDeviceKey(env({ subtle: undefined })));
    expect(first.key.keyStorage).toBe("software");
    const again = await readyKey(await loadDeviceKey(env({ subtle: undefined })));
    expect(again.isNew).toBe(false);
    expect(again.key.publicKey).toEqual(first.key.publicKey);
    expect(ed.verify(await again.key.sign(message), message, first.key.publicKey)).toBe(true);
    expect(localStorageReads).toBe(0);
  });

  it("reports a damaged record as key_unreadable and leaves it exactly as it was", async () => {
    const damaged = { version: 1, keyStorage: "webcrypto", publicKey: new Uint8Array(32), keyPair: { privateKey: "gone" } };
    await set(DEVICE_KEY_RECORD, damaged);
    const result = await loadDeviceKey(env());
    expect(result.status).toBe("key_unreadable");
    expect(await get(DEVICE_KEY_RECORD)).toEqual(damaged);
  });

  it("reports a software secret that no longer matches its public key as key_unreadable instead of making a new key", async () => {
    const first = await readyKey(await loadDeviceKey(env({ subtle: undefined })));
    const record = (await get(DEVICE_KEY_RECORD)) as { secretKey: Uint8Array };
    record.secretKey[0] = (record.secretKey[0] ?? 0) ^ 0xff;
    await set(DEVICE_KEY_RECORD, record);
    const result = await loadDeviceKey(env({ subtle: undefined }));
    expect(result.status).toBe("key_unreadable");
    const stored = (await get(DEVICE_KEY_RECORD)) as { publicKey: Uint8Array };
    expect(stored.publicKey).toEqual(first.key.publicKey);
  });

  it("replaces an unreadable key with a new one only through replaceDeviceKey", async () => {
    await set(DEVICE_KEY_RECORD, "not a key");
    expect((await loadDeviceKey(env())).status).toBe("key_unreadable");
    expect((await loadDeviceKey(env())).status).toBe("key_unreadable");
    const replaced = await readyKey(await replaceDeviceKey(env()));
    expect(replaced.isNew).toBe(true);
    const reloaded = await readyKey(await loadDeviceKey(env()));
    expect(reloaded.key.publicKey).toEqual(replaced.key.publicKey);
  });

  it("ends up with one stored key when two first-visit tabs create keys at the same time", async () => {
    const [a, b] = await Promise.all([loadDeviceKey(env()), loadDeviceKey(env())]);
    const keyA = await readyKey(a);
    const keyB = await readyKey(b);
    expect(keyA.key.publicKey).toEqual(keyB.key.publicKey);
    expect([keyA.isNew, keyB.isNew].filter(Boolean)).toHaveLength(1);
  });

  it("says storage_unavailable when IndexedDB itself fails, and key_unreadable when only the record can't be read", async () => {
    const broken = (probeWorks: boolean): KeyStore => ({
      read: async () => {
        throw new DOMException("The operation failed for reasons unrelated to the database itself", "UnknownError");
      },
      writeIfAbsent: async () => {
        throw new Error("unused");
      },
      remove: async () => undefined,
      probe: async () => {
        if (!probeWorks) throw new DOMException("IndexedDB is disabled", "InvalidStateError");
      },
    });
    expect((await loadDeviceKey(env({ store: broken(false) }))).status).toBe("storage_unavailable");
    expect((await loadDeviceKey(env({ store: broken(true) }))).status).toBe("key_unreadable");
  });
});
