// Terminal QR codes for links the CLI prints; qrcode is loaded only when one is needed.
export async function printQr(text: string): Promise<void> {
  if (process.env.PAIRGATE_NO_QR) return;
  const { default: QRCode } = await import("qrcode");
  process.stdout.write((await QRCode.toString(text, { type: "terminal", small: true, errorCorrectionLevel: "L" })) + "\n");
}
