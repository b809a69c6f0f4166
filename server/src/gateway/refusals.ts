// Refused upgrades and handshakes: the last few kept for `pairgate doctor`, and counts grouped by
// code and source address written to the audit log in batches, so a flood costs no write per attempt.
import type { AuditInput } from "../store/device-store.js";

export interface Refusal {
  atMs: number;
  stage: "http" | "upgrade" | "handshake";
  code: string;
  reason: string;
  address: string;
  origin: string | null;
  host: string | null;
}

const KEEP_RECENT = 50;

export class RefusalLog {
  private readonly recent: Refusal[] = [];
  private readonly grouped = new Map<string, { code: string; address: string; count: number; firstAtMs: number }>();
  total = 0;

  record(r: Refusal): void {
    this.total++;
    this.recent.push(r);
    if (this.recent.length > KEEP_RECENT) this.recent.shift();
    const key = `${r.code}\u0000${r.address}`;
    const g = this.grouped.get(key);
    if (g) g.count++;
    else if (this.grouped.size < 10_000) this.grouped.set(key, { code: r.code, address: r.address, count: 1, firstAtMs: r.atMs });
  }

  latest(n: number): Refusal[] {
    return this.recent.slice(-n).reverse();
  }

  /** Drains the grouped counts into audit entries. */
  drainAudit(nowMs: number): AuditInput[] {
    const entries = [...this.grouped.values()].map((g) => ({
      atMs: nowMs,
      action: "handshake_refused" as const,
      actor: g.address,
      detail: { code: g.code, address: g.address, count: g.count, sinceMs: g.firstAtMs },
    }));
    this.grouped.clear();
    return entries;
  }
}
