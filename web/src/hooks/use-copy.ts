// Copy text to the clipboard. navigator.clipboard exists only in secure contexts, so plain http falls
// back to a selected textarea and execCommand("copy").
import { useCallback, useEffect, useState } from "react";

export function useCopy(resetAfterMs = 2_000) {
  const [status, setStatus] = useState<"idle" | "copied" | "error">("idle");
  useEffect(() => {
    if (status === "idle") return;
    const timer = window.setTimeout(() => setStatus("idle"), resetAfterMs);
    return () => window.clearTimeout(timer);
  }, [status, resetAfterMs]);
  const copy = useCallback(async (text: string) => {
    try {
      if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(text);
      else copyWithSelection(text);
      setStatus("copied");
    } catch (error) {
      // Shown as "Copy failed: select the text" next to the button; the text itself stays selectable.
      console.warn("pairgate: copy failed", error);
      setStatus("error");
    }
  }, []);
  return { status, data: null, error: status === "error" ? "copy failed" : null, copy };
}

function copyWithSelection(text: string): void {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "offscreen";
  document.body.append(area);
  area.select();
  const isCopied = document.execCommand("copy");
  area.remove();
  if (!isCopied) throw new Error("execCommand copy was refused");
}
