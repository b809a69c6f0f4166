// Ready screens for embedding apps. Every class is prefixed "pg-" and styled by pairgate/react/styles.css;
// nothing here touches elements outside its own root.
import { useState, type FormEvent, type ReactNode } from "react";
import { ERRORS } from "../../../shared/protocol/errors.js";
import type { Role } from "../../../shared/protocol/views.js";
import { toCallError } from "../gateway/call-error.js";
import { usePairgate } from "./context.js";
import { useDevice, usePairing } from "./use-connection.js";
import { useDevices, usePendingApprovals } from "./use-devices.js";

const ROLE_RANK: Record<Role, number> = { viewer: 0, admin: 1 };
const ROLES = Object.keys(ROLE_RANK) as Role[];

/** Children only for a paired device with at least `role`; otherwise `fallback` (default: the pairing screen). */
export function RequireDevice({ role = "viewer", fallback, children }: { role?: Role; fallback?: ReactNode; children?: ReactNode }) {
  const device = useDevice();
  if (device.status === "paired" && device.role && ROLE_RANK[device.role] >= ROLE_RANK[role]) return <>{children}</>;
  if (fallback !== undefined) return <>{fallback}</>;
  if (device.status === "paired") {
    return (
      <div className="pg-root pg-card" role="status">
        <p className="pg-error">This needs the {role} role.</p>
        <p className="pg-muted">{ERRORS.forbidden.action}</p>
      </div>
    );
  }
  return <PairingScreen />;
}

/** What a browser shows until it is paired: its code while waiting, and the next step for every other state. */
export function PairingScreen({ title = "Pair this browser" }: { title?: string }) {
  const p = usePairing();
  const s = p.state;
  let body: ReactNode;
  switch (s.status) {
    case "connecting":
      body = <p className="pg-muted">Connecting…</p>;
      break;
    case "pending":
      body = (
        <>
          <p>Ask an admin to approve this code:</p>
          <p className="pg-code" data-testid="pg-code" aria-label={`Pairing code ${s.request.code.split("").join(" ")}`}>
            {s.request.code}
          </p>
          <p className="pg-muted">
            Key fingerprint <span className="pg-mono">{s.request.fingerprint}</span>. This page carries on by itself once approved.
          </p>
          <p className="pg-muted">
            From the server: <code className="pg-mono">{s.approveCommand}</code>
          </p>
        </>
      );
      break;
    case "paired":
      body = (
        <p>
          Paired as {s.device.name} ({s.role}).
        </p>
      );
      break;
    case "rejected":
    case "expired":
      body = (
        <>
          <p className="pg-error">{s.status === "rejected" ? ERRORS.pairing_rejected.message : ERRORS.pairing_expired.message}</p>
          <button type="button" className="pg-button" onClick={p.requestAgain}>
            Request again
          </button>
        </>
      );
      break;
    case "revoked":
    case "key_unreadable":
      body = (
        <>
          <p className="pg-error">{s.status === "revoked" ? `This browser was removed by ${s.byName}.` : "This browser's key can't be read."}</p>
          <button type="button" className="pg-button" onClick={p.pairAgain}>
            Pair again
          </button>
        </>
      );
      break;
    case "unreachable":
    case "rate_limited":
    case "auth_failed":
    case "storage_unavailable":
      body = (
        <>
          <p className="pg-error">{failureText(s)}</p>
          <button type="button" className="pg-button" onClick={p.retryNow}>
            Try again
          </button>
        </>
      );
      break;
    case "protocol_mismatch":
      body = <p className="pg-error">{s.detail}</p>;
      break;
    case "failed":
      body = <p className="pg-error">{s.message}</p>;
      break;
  }
  return (
    <section className="pg-root pg-card" aria-live="polite" data-pg-status={s.status}>
      <h2 className="pg-title">{title}</h2>
      {p.notice === "invite_invalid" ? <p className="pg-muted">{ERRORS.invite_invalid.message}</p> : null}
      {body}
    </section>
  );
}

function failureText(s: { status: "unreachable" | "rate_limited" | "auth_failed" | "storage_unavailable" }): string {
  if (s.status === "unreachable") return "The server did not answer; retrying.";
  if (s.status === "rate_limited") return ERRORS.rate_limited.message;
  if (s.status === "auth_failed") return `${ERRORS.auth_failed.message} ${ERRORS.auth_failed.action}`;
  return "This browser can't store its key (private mode, or storage is full).";
}

/** An admin types the code another browser shows, picks a role, approves. */
export function ApproveCode({ defaultRole = "viewer", onApproved }: { defaultRole?: Role; onApproved?: (deviceName: string) => void }) {
  const { approve } = usePendingApprovals();
  const [code, setCode] = useState("");
  const [role, setRole] = useState<Role>(defaultRole);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const device = await approve({ code, role });
      setMessage({ ok: true, text: `Approved ${device.name} as ${device.role}.` });
      setCode("");
      onApproved?.(device.name);
    } catch (err) {
      const coded = toCallError(err);
      setMessage({ ok: false, text: coded.code === "not_found" ? "No browser is waiting with that code." : coded.message });
    }
  };
  return (
    <form className="pg-root pg-form" onSubmit={(e) => void submit(e)}>
      <label className="pg-label">
        Code
        <input
          className="pg-input pg-mono"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder="XXXX-XXXX"
          autoComplete="off"
          required
          maxLength={32}
        />
      </label>
      <label className="pg-label">
        Role
        <select className="pg-select" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="pg-button">
        Approve
      </button>
      {message ? (
        <p className={message.ok ? "pg-muted" : "pg-error"} role="status">
          {message.text}
        </p>
      ) : null}
    </form>
  );
}

/** Every paired device with its role and presence, live; admins may revoke any of them. */
export function DevicesPanel() {
  const client = usePairgate();
  const { devices, pending, error, hasMore, loadMore } = useDevices();
  const [busy, setBusy] = useState<string | null>(null);
  if (error) return <p className="pg-root pg-error">{error.code === "forbidden" ? ERRORS.forbidden.message : error.message}</p>;
  const revoke = async (id: string) => {
    setBusy(id);
    try {
      await client.call("devices.revoke", { deviceId: id });
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="pg-root pg-card">
      <h2 className="pg-title">Devices</h2>
      <table className="pg-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Key</th>
            <th>Online</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {devices
            .filter((d) => d.revokedAtMs === undefined)
            .map((d) => (
              <tr key={d.id} data-pg-device={d.id}>
                <td>
                  {d.name}
                  {d.current ? <span className="pg-badge">this browser</span> : null}
                </td>
                <td>{d.role}</td>
                <td className="pg-mono">{d.fingerprint}</td>
                <td>{d.online > 0 ? "online" : "offline"}</td>
                <td>
                  <button type="button" className="pg-button pg-button--danger" disabled={busy === d.id} onClick={() => void revoke(d.id)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
        </tbody>
      </table>
      {hasMore ? (
        <button type="button" className="pg-button" onClick={loadMore}>
          Show more
        </button>
      ) : null}
      <h3 className="pg-subtitle">Waiting for approval ({pending.length})</h3>
      {pending.map((r) => (
        <p key={r.id} className="pg-muted">
          {r.name} · key {r.fingerprint} · from {r.seenFrom.address}
        </p>
      ))}
      <ApproveCode />
    </section>
  );
}
