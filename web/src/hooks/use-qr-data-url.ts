// A PNG data: URL of a QR code for `text`. qrcode loads on demand, so it stays out of the initial bundle.
import { useEffect, useState } from "react";

interface Rendered {
  text: string;
  dataUrl: string | null;
  error: string | null;
}

export function useQrDataUrl(text: string, sizePx: number) {
  const [rendered, setRendered] = useState<Rendered | null>(null);
  useEffect(() => {
    let isCurrent = true;
    import("qrcode")
      .then((qrcode) => qrcode.toDataURL(text, { errorCorrectionLevel: "M", margin: 1, width: sizePx, color: { dark: "#111827", light: "#ffffff" } }))
      .then(
        (dataUrl) => {
          if (isCurrent) setRendered({ text, dataUrl, error: null });
        },
        (error: unknown) => {
          if (isCurrent) setRendered({ text, dataUrl: null, error: String(error) });
        },
      );
    return () => {
      isCurrent = false;
    };
  }, [text, sizePx]);
  // Until the new image is ready, never show the QR of a previous text.
  const current = rendered?.text === text ? rendered : null;
  const status = current === null ? "loading" : current.dataUrl ? "ready" : "error";
  return { status, data: current?.dataUrl ?? null, error: current?.error ?? null } as const;
}
