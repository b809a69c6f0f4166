// A shell command shown exactly as it must be typed, with a copy button.
import { CopyButton } from "../ui/copy-button.js";

export function CommandBlock({ command, testId, copyTestId }: { command: string; testId?: string; copyTestId?: string }) {
  return (
    <div className="command-block">
      <p className="command-text">
        <span className="command-prompt" aria-hidden="true">
          $
        </span>
        <code data-testid={testId}>{command}</code>
      </p>
      <CopyButton text={command} label="Copy" testId={copyTestId} />
    </div>
  );
}
