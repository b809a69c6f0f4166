// Where the front door may send a browser back to after pairing (`rd`): a path on this same origin, never another
// site. Browsers forgive a lot in a URL (backslashes as slashes, tabs and newlines dropped, percent-decoding in
// places), so the value is decoded layer by layer and every layer must be a plain same-origin path. Used by the
// gateway when it builds a redirect and by the dashboard before it navigates. No I/O, no DOM.

export const SAFE_REDIRECT_FALLBACK = "/";
const MAX_REDIRECT_LENGTH = 2048;
const MAX_DECODE_LAYERS = 4;

/** `raw` when it is a same-origin relative path such as `/app?x=1`; otherwise "/". */
export function safeRedirectPath(raw: unknown): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > MAX_REDIRECT_LENGTH) return SAFE_REDIRECT_FALLBACK;
  // Printable ASCII only in what is sent back: a Location header can't carry more, and a real path is encoded already.
  if (!/^[\x21-\x7e]*$/.test(raw)) return SAFE_REDIRECT_FALLBACK;
  let layer = raw;
  for (let i = 0; ; i++) {
    if (!isPlainPath(layer)) return SAFE_REDIRECT_FALLBACK;
    let decoded: string;
    try {
      decoded = decodeURIComponent(layer);
    } catch {
      return SAFE_REDIRECT_FALLBACK; // malformed escapes: nobody's real path
    }
    if (decoded === layer) break;
    if (i === MAX_DECODE_LAYERS) return SAFE_REDIRECT_FALLBACK; // still encoded after this many layers: an attack, not a path
    layer = decoded;
  }
  return raw;
}

/** Browsers and Node both have the WHATWG URL; shared/ sees neither's types, so this names the one part it uses. */
const WhatwgUrl = (globalThis as unknown as { URL: new (url: string, base: string) => { origin: string } }).URL;

/** One layer: starts with a single "/", no backslash, no control character (tab and newline included). */
function isPlainPath(s: string): boolean {
  if (!s.startsWith("/") || s.startsWith("//")) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is what this line is for
  if (/[\\\x00-\x1f\x7f]/.test(s)) return false;
  // What a URL parser makes of it must stay on the origin it was resolved against.
  try {
    return new WhatwgUrl(s, "http://origin.invalid").origin === "http://origin.invalid";
  } catch {
    return false;
  }
}
