// Terminal QR codes for links the CLI prints; qrcode is loaded only when one is needed.
export async function printQr(text: string): Promise<void> {
  // Only for a person at a terminal: in a pipe, a log file or `docker logs` the blocks are noise around the link.
  if (process.env.PAIRGATE_NO_QR || !process.stdout.isTTY) return;
  const { default: QRCode } = await import("qrcode");
  process.stdout.write((await QRCode.toString(text, { type: "terminal", small: true, errorCorrectionLevel: "L" })) + "\n");
}
