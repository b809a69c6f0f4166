// The one-time code in very large monospace type, grouped XXXX-XXXX (RFC 8628 §6.1) for reading aloud.
export function PairingCode({ code }: { code: string }) {
  return (
    <p className="pairing-code">
      <span className="sr-only">Pairing code: </span>
      <span data-testid="pairing-code">{code}</span>
    </p>
  );
}
