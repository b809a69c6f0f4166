// CLI exit codes (docs/design.md#cli).
export const EXIT = { ok: 0, refused: 1, usage: 2, notRunning: 3 } as const;

/** A CLI failure with its exit code and, when it came from the gateway, the wire error code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly code: string = "error",
  ) {
    super(message);
    this.name = "CliError";
  }
}
