// shared/ runs in browsers and in Node, so it sees neither the DOM's types nor Node's. These are the few globals
// both provide that it uses. Only shared/tsconfig.json loads this file; the browser and server builds get the same
// names from the DOM and Node types.
interface TextEncoder {
  encode(input?: string): Uint8Array;
}
declare var TextEncoder: { prototype: TextEncoder; new (): TextEncoder };
