// One paired device on a real socket, for suites that need a single authenticated client (library, front-door):
// a fresh Ed25519 key says hello over `url`, `approve(code)` approves it (an admin socket, a child's stdin), and
// the socket is returned once welcomed, with `next(type)` to read frames in order.
import { generateKeyPairSync, sign } from "node:crypto";
import WebSocket from "ws";

/** `proto`: the protocol's SUBPROTOCOL, PROTOCOL_VERSION, buildSignedBytes and encodeB64u (the kit or pairgate/protocol). */
export async function pairedSocket({ url, origin = "", proto, approve }) {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const publicKeyB64u = publicKey.export({ format: "jwk" }).x;
  const ws = new WebSocket(url, proto.SUBPROTOCOL, origin ? { origin } : {});
  const frames = [];
  let wake = null;
  ws.on("message", (d) => {
    frames.push(JSON.parse(String(d)));
    wake?.();
  });
  const next = async (type) => {
    for (;;) {
      const i = frames.findIndex((f) => f.type === type);
      if (i >= 0) return frames.splice(i, 1)[0];
      await new Promise((r) => (wake = r));
    }
  };
  const challenge = await next("challenge");
  const signedAtMs = Date.now();
  const bytes = proto.buildSignedBytes({ gatewayId: challenge.gatewayId, nonce: challenge.nonce, origin, publicKeyB64u, signedAtMs });
  ws.send(
    JSON.stringify({
      type: "hello",
      protocol: proto.PROTOCOL_VERSION,
      publicKey: publicKeyB64u,
      signedAtMs,
      signature: proto.encodeB64u(sign(null, bytes, privateKey)),
      keyStorage: "webcrypto",
      client: { name: "bench", userAgent: "bench" },
    }),
  );
  const pairing = await next("pairing");
  await approve(pairing.request.code);
  await next("welcome");
  return { ws, next };
}
