// The one qrcode function the dashboard uses, typed here because @types/qrcode pulls in Node's types
// (`/// <reference types="node" />`), and web/ must not see them. web/tsconfig.json maps "qrcode" to this file.
export interface QRCodeToDataURLOptions {
  errorCorrectionLevel?: "L" | "M" | "Q" | "H";
  margin?: number;
  width?: number;
  color?: { dark?: string; light?: string };
}

export function toDataURL(text: string, options?: QRCodeToDataURLOptions): Promise<string>;
