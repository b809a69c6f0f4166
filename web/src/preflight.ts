// Pre-flight checks shown on the pairing screen: can this browser keep a key, and how safely?
// IndexedDB round trip, secure context, key type and persistence, each turned into one plain sentence.
import type { KeyStorage } from "../../shared/protocol/views.js";
import type { KeyStore } from "./device-key/key-store.js";

export interface PreflightEnv {
  store: KeyStore;
  isSecureContext: boolean;
  storage: Pick<StorageManager, "estimate" | "persisted"> | undefined;
  now(): number;
}

export interface PreflightResult {
  isSecureContext: boolean;
  storageRoundTripMs: number | null;
  storageError: string | null;
  isPersisted: boolean | null;
  quotaBytes: number | null;
}

export type PreflightTone = "ok" | "warn" | "info";
export interface PreflightNote {
  id: "storage" | "key" | "private" | "persistence";
  tone: PreflightTone;
  text: string;
}

// Chromium incognito and Safari private windows cap quota near 100 MiB; normal profiles get a share of the disk.
const PRIVATE_QUOTA_BYTES = 120 * 1024 * 1024;
const PRIVATE_WINDOW_TEXT = "This looks like a private window: this browser will forget its pairing when closed.";
const MAYBE_PRIVATE_WINDOW_TEXT =
  "This browser has not promised to keep this site's data. If this is a private window, it will forget its pairing when closed: use a normal window to stay paired.";

export async function runPreflight(env: PreflightEnv): Promise<PreflightResult> {
  const startedAtMs = env.now();
  const [probe, persisted, estimate] = await Promise.all([
    env.store.probe().then(
      () => ({ ok: true as const, ms: env.now() - startedAtMs }),
      (error: unknown) => ({ ok: false as const, error: error instanceof Error ? error.message : String(error) }),
    ),
    env.storage ? env.storage.persisted().catch(() => null) : Promise.resolve(null),
    env.storage ? env.storage.estimate().catch(() => null) : Promise.resolve(null),
  ]);
  return {
    isSecureContext: env.isSecureContext,
    storageRoundTripMs: probe.ok ? probe.ms : null,
    storageError: probe.ok ? null : probe.error,
    isPersisted: persisted,
    quotaBytes: estimate?.quota ?? null,
  };
}

export function describePreflight(result: PreflightResult, keyStorage: KeyStorage | null): PreflightNote[] {
  const notes: PreflightNote[] = [];
  notes.push(
    result.storageError === null
      ? { id: "storage", tone: "ok", text: `Key storage works (IndexedDB round trip ${Math.round(result.storageRoundTripMs ?? 0)} ms).` }
      : { id: "storage", tone: "warn", text: `IndexedDB is not working here (${result.storageError}): this browser can't keep a key.` },
  );
  if (keyStorage === "webcrypto") {
    notes.push({ id: "key", tone: "ok", text: "Secure context: your key is a non-extractable WebCrypto key." });
  } else if (keyStorage === "software") {
    notes.push(
      result.isSecureContext
        ? { id: "key", tone: "warn", text: "This browser has no WebCrypto Ed25519: your key is stored in software." }
        : { id: "key", tone: "warn", text: "Plain http: your key is stored in software. Use https or localhost for a non-extractable key." },
    );
  }
  if (result.quotaBytes !== null && result.quotaBytes < PRIVATE_QUOTA_BYTES) {
    notes.push({ id: "private", tone: "warn", text: PRIVATE_WINDOW_TEXT });
  } else if (result.isPersisted === false) {
    // 2026-12: Chromium gives a private window the same quota as a normal one and both answer persisted() with
    // false until persist() is granted, so a page can't tell them apart. Say what happens in case it is one.
    notes.push({ id: "private", tone: "warn", text: MAYBE_PRIVATE_WINDOW_TEXT });
  }
  if (result.isPersisted === true) {
    notes.push({ id: "persistence", tone: "ok", text: "Storage is persistent: the browser won't evict this key." });
  } else if (result.isPersisted === false) {
    notes.push({ id: "persistence", tone: "info", text: "Once paired, pairgate asks the browser to keep this key through storage clean-ups." });
  } else {
    notes.push({ id: "persistence", tone: "info", text: "This browser can't promise to keep site data; clearing it unpairs this browser." });
  }
  return notes;
}

/** Called after pairing: asks the browser not to evict the key under storage pressure. */
export async function requestPersistentStorage(storage: Pick<StorageManager, "persist"> | undefined): Promise<boolean> {
  if (!storage || typeof storage.persist !== "function") return false;
  // A refusal is not an error: the browser keeps the data unless the user clears it or space runs out.
  return storage.persist().catch(() => false);
}
