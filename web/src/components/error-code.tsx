// The small technical line on every error screen, e.g. "device_revoked (4410)": what to quote in a bug report.
export function ErrorCode({ code, closeCode }: { code: string; closeCode?: number | null }) {
  return (
    <p className="error-code">
      <span className="error-code-label">Technical detail: </span>
      <code data-testid="error-code">{closeCode ? `${code} (${closeCode})` : code}</code>
    </p>
  );
}
