// The least of a WebSocket both edges use: send a text frame, close with a code. The gateway's Connection and the
// dashboard's client are written against it, so their state machines run in tests without a network.

export interface SocketLike {
  send(text: string): void;
  close(code?: number, reason?: string): void;
}
