// Exhaustiveness guard for switches over unions: adding a member without a case fails the type check, and a value
// that slips past the types at run time throws instead of falling through.

export function assertNever(value: never): never {
  throw new TypeError(`Unhandled value: ${JSON.stringify(value)}`);
}
