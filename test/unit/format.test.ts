// The shared formats (shared/format): one time format for dashboard and CLI, one sentence per audit entry, and
// escaping of browser-originated text before it reaches a terminal.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeAuditEntry } from "../../shared/format/audit.js";
import { hasUnsafeChars, printable, quoteName } from "../../shared/format/text.js";
import { formatDuration, formatRelativeTime, formatTime, formatWhen } from "../../shared/format/time.js";
import type { AuditEntry } from "../../shared/protocol/admin-views.js";

// Built from local fields, so the expectations hold in any TZ.
const at = new Date(2026, 11, 4, 15, 39, 7).getTime();

describe("time format", () => {
  it("prints local wall-clock time to the minute, or the second on request", () => {
    expect(formatTime(at)).toBe("2026-12-04 15:39");
    expect(formatTime(at, { seconds: true })).toBe("2026-12-04 15:39:07");
    expect(formatTime(new Date(2027, 0, 9, 3, 5).getTime())).toBe("2027-01-09 03:05");
  });

  it("prints durations in the coarsest useful unit", () => {
    expect(formatDuration(-5)).toBe("0 s");
    expect(formatDuration(45_999)).toBe("45 s");
    expect(formatDuration(5 * 60_000 + 59_000)).toBe("5 min");
    expect(formatDuration(3 * 3_600_000)).toBe("3 h");
    expect(formatDuration(3 * 3_600_000 + 20 * 60_000)).toBe("3 h 20 min");
    expect(formatDuration(30 * 86_400_000)).toBe("30 days");
  });

  it("says just now, ago or in", () => {
    expect(formatRelativeTime(at, at + 44_000)).toBe("just now");
    expect(formatRelativeTime(at, at - 44_000)).toBe("just now");
    expect(formatRelativeTime(at, at + 5 * 60_000)).toBe("5 min ago");
    expect(formatRelativeTime(at + 10 * 60_000, at)).toBe("in 10 min");
    expect(formatWhen(at, at + 2 * 3_600_000)).toBe("2026-12-04 15:39 (2 h ago)");
  });
});

describe("printable", () => {
  it("escapes ESC sequences, newlines, OSC 52, C1, DEL and bidi overrides", () => {
    expect(printable("a\x1b[2Jb")).toBe("a\\x1b[2Jb");
    expect(printable("one\ntwo\r")).toBe("one\\x0atwo\\x0d");
    expect(printable("\x1b]52;c;cGFpcmdhdGU=\x07")).toBe("\\x1b]52;c;cGFpcmdhdGU=\\x07");
    expect(printable("\x9b31m\x7f")).toBe("\\x9b31m\\x7f");
    expect(printable("evil\u202Etxt.exe\u2066x\u2069")).toBe("evil\\u202etxt.exe\\u2066x\\u2069");
    expect(quoteName("Chrome\x1b[31m")).toBe('"Chrome\\x1b[31m"');
  });

  it("leaves ordinary text, accents, CJK and emoji (with joiners) alone", () => {
    for (const s of ["Chrome on Linux", "Zoë’s iPad", "工作电脑", "👩‍💻 laptop", "a\u00a0b"]) {
      expect(printable(s)).toBe(s);
      expect(hasUnsafeChars(s)).toBe(false);
    }
  });

  it("never leaves a control or bidi character in its output, for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const out = printable(s);
        expect(hasUnsafeChars(out)).toBe(false);
        expect(hasUnsafeChars(s)).toBe(out !== s);
      }),
    );
  });
});

const entry = (action: AuditEntry["action"], detail: AuditEntry["detail"], more: Partial<AuditEntry> = {}): AuditEntry => ({
  id: 1,
  atMs: at,
  action,
  actor: "cli",
  detail,
  ...more,
});

describe("describeAuditEntry", () => {
  it("names the approved device, its role and who approved it", () => {
    expect(
      describeAuditEntry(entry("approved", { via: "dashboard", role: "viewer", name: "Chrome on Linux", fingerprint: "ABCD-EFGH" }, { actor: "alice-laptop" })),
    ).toBe('Approved "Chrome on Linux" (ABCD-EFGH) as viewer, by "alice-laptop" via the dashboard');
    expect(
      describeAuditEntry(
        entry("approved", {
          via: "cli",
          role: "admin",
          name: "Pixel",
          fingerprint: "WXYZ-2345",
          replaces: "dev_old",
          replacesName: "Pixel",
          replacesFingerprint: "QQQQ-RRRR",
        }),
      ),
    ).toBe('Approved "Pixel" (WXYZ-2345) as admin, replacing "Pixel" (QQQQ-RRRR) via the CLI');
    expect(
      describeAuditEntry(
        entry(
          "approved",
          { via: "invite", role: "viewer", name: "Tablet", fingerprint: "ABCD-EFGH", inviteId: "inv_1", label: "kitchen" },
          { actor: "invite inv_1" },
        ),
      ),
    ).toBe('Approved "Tablet" (ABCD-EFGH) as viewer with the invite "kitchen"');
  });

  it("reads every action as a sentence without ids or epoch numbers when names were recorded", () => {
    const cases: [AuditEntry, string][] = [
      [
        entry("request_created", { fingerprint: "ABCD-EFGH", address: "192.168.1.5", networkClass: "private" }, { actor: "Chrome on Linux" }),
        '"Chrome on Linux" (ABCD-EFGH) asked to pair from 192.168.1.5 (private network)',
      ],
      [entry("rejected", { via: "cli", name: "Firefox", fingerprint: "ABCD-EFGH" }), 'Rejected the pairing request of "Firefox" (ABCD-EFGH) via the CLI'],
      [
        entry("expired", { name: "Firefox", fingerprint: "ABCD-EFGH" }, { actor: "gateway" }),
        'The pairing request of "Firefox" (ABCD-EFGH) expired unanswered',
      ],
      [
        entry("revoked", { via: "dashboard", name: "Old phone", fingerprint: "ABCD-EFGH" }, { actor: "alice" }),
        'Removed "Old phone" (ABCD-EFGH), by "alice" via the dashboard',
      ],
      [
        entry("revoked", {
          via: "cli",
          reason: "replaced",
          name: "Pixel",
          fingerprint: "QQQQ-RRRR",
          by: "dev_new",
          byName: "Pixel",
          byFingerprint: "WXYZ-2345",
        }),
        'Removed "Pixel" (QQQQ-RRRR): replaced by "Pixel" (WXYZ-2345) via the CLI',
      ],
      [entry("renamed", { via: "cli", from: "Chrome on Linux", to: "Kitchen" }), 'Renamed "Chrome on Linux" to "Kitchen" via the CLI'],
      [
        entry("invite_created", { via: "cli", inviteId: "inv_1", role: "viewer", label: "for Bob", expiresAtMs: at + 15 * 60_000 }),
        'Created the viewer invite "for Bob" (valid until 2026-12-04 15:54) via the CLI',
      ],
      [
        entry("invite_used", { inviteId: "inv_1", role: "viewer", label: "for Bob", fingerprint: "ABCD-EFGH" }, { actor: "Bob's Mac" }),
        '"Bob\'s Mac" (ABCD-EFGH) paired with the viewer invite "for Bob"',
      ],
      [entry("invite_revoked", { via: "cli", inviteId: "inv_1", label: "for Bob" }), 'Revoked the invite "for Bob" via the CLI'],
      [
        entry("sessions_ended", { via: "dashboard", count: 1, sessionId: "ses_ab12", name: "Kitchen", fingerprint: "ABCD-EFGH" }, { actor: "alice" }),
        'Ended the app session ses_ab12 of "Kitchen" (ABCD-EFGH), by "alice" via the dashboard',
      ],
      [
        entry("sessions_ended", { via: "cli", count: 3, name: "Kitchen", fingerprint: "ABCD-EFGH" }),
        'Ended 3 app sessions of "Kitchen" (ABCD-EFGH) via the CLI',
      ],
      [
        entry("handshake_refused", { code: "auth_failed", address: "203.0.113.9", count: 12, sinceMs: at }, { actor: "203.0.113.9" }),
        "Refused 12 connections from 203.0.113.9 (auth_failed) since 2026-12-04 15:39",
      ],
    ];
    for (const [e, sentence] of cases) expect(describeAuditEntry(e)).toBe(sentence);
  });

  it("falls back to a short device id for entries written before names were recorded", () => {
    expect(describeAuditEntry(entry("approved", { via: "cli", role: "admin", fingerprint: "ABCD-EFGH" }, { deviceId: "dev_0123456789abcdef" }))).toBe(
      "Approved device dev_01234567 (ABCD-EFGH) as admin via the CLI",
    );
    expect(describeAuditEntry(entry("invite_revoked", { via: "cli", inviteId: "inv_9" }))).toBe("Revoked the invite inv_9 via the CLI");
    // Entries with neither label nor invite id still read as English ("the invite", never "the an invite").
    expect(describeAuditEntry(entry("approved", { via: "invite", role: "viewer", name: "Tablet" }))).toBe('Approved "Tablet" as viewer with the invite');
    expect(describeAuditEntry(entry("invite_revoked", { via: "cli" }))).toBe("Revoked the invite via the CLI");
  });

  it("escapes names that carry terminal escapes", () => {
    const sentence = describeAuditEntry(entry("renamed", { via: "dashboard", from: "a", to: "x\x1b]52;c;ZXZpbA==\x07\n\u202E" }, { actor: "m\x1b[2J" }));
    expect(hasUnsafeChars(sentence)).toBe(false);
    expect(sentence).toBe('Renamed "a" to "x\\x1b]52;c;ZXZpbA==\\x07\\x0a\\u202e", by "m\\x1b[2J" via the dashboard');
  });
});
