// Words people read for wire values. Wire strings stay stable; these may change freely.
import type { ApprovedVia, KeyStorage, Role } from "../../../shared/protocol/views.js";

export const ROLE_LABELS: Record<Role, string> = { admin: "Admin", viewer: "Viewer" };

export const APPROVED_VIA_LABELS: Record<ApprovedVia, string> = {
  cli: "the CLI",
  dashboard: "the dashboard",
  invite: "an invite link",
};

export const KEY_STORAGE_EXPLANATIONS: Record<KeyStorage, string> = {
  webcrypto: "Non-extractable WebCrypto key: this browser can sign with it, but no script can read it out.",
  software: "Software key (plain http has no WebCrypto): the secret sits in this site's IndexedDB. Use https or localhost for a non-extractable key.",
};
