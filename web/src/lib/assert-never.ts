// Exhaustiveness guard for switches over unions: adding a state without a screen fails the type check.

export function assertNever(value: never): never {
  throw new TypeError(`Unhandled value: ${JSON.stringify(value)}`);
}
