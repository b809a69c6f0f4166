// A QR code as a PNG data: URL (img-src allows data:), with a same-size placeholder while qrcode loads.
import { useQrDataUrl } from "../hooks/use-qr-data-url.js";

export function QrImage({ text, alt, testId, sizePx = 216 }: { text: string; alt: string; testId?: string; sizePx?: number }) {
  const { status, data } = useQrDataUrl(text, sizePx);
  if (status === "ready" && data) {
    return <img className="qr" src={data} alt={alt} width={sizePx} height={sizePx} data-testid={testId} />;
  }
  return (
    <span className="qr qr-placeholder" role="img" aria-label={status === "error" ? "QR code unavailable" : "QR code loading"}>
      {status === "error" ? "QR code unavailable: use the code or the link." : null}
    </span>
  );
}
