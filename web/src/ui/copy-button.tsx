// Copies a string and says so, politely, to screen readers too.
import { useCopy } from "../hooks/use-copy.js";
import { Button } from "./button.js";

export interface CopyButtonProps {
  text: string;
  label?: string;
  testId?: string;
  size?: "sm" | "md";
}

export function CopyButton({ text, label = "Copy", testId, size = "sm" }: CopyButtonProps) {
  const { status, copy } = useCopy();
  const shown = status === "copied" ? "Copied" : status === "error" ? "Copy failed: select the text" : label;
  return (
    <Button size={size} className="copy-button" onClick={() => void copy(text)} data-testid={testId} data-copied={status === "copied" || undefined}>
      <span aria-live="polite">{shown}</span>
    </Button>
  );
}
