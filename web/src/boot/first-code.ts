// The pairing code on screen before React has loaded. On a first visit the code is what the person came for, and
// evaluating React and the screens takes longer than the whole handshake, so the entry shows the code with plain
// DOM and loads the app after. It fills in the top of the pairing card (the same classes and test ids as
// pages/pairing-page.tsx); React then renders the whole page over it, so the code stays where it is.
import { formatCode, normalizeCode } from "../../../shared/pairing/pairing-code.js";
import type { PendingState } from "../gateway/gateway-state.js";

export function showFirstCode(root: HTMLElement, { request, gateway }: PendingState): void {
  const screen = root.querySelector("main");
  if (!screen) return;
  const code = formatCode(normalizeCode(request.code) ?? request.code.replace(/-/g, ""));
  // textContent only: the gateway's name is text from a server, never markup.
  const el = (tag: string, props: { className?: string; id?: string; text?: string; testId?: string } = {}, ...children: Node[]) => {
    const node = document.createElement(tag);
    if (props.className) node.className = props.className;
    if (props.id) node.id = props.id;
    if (props.testId) node.dataset.testid = props.testId;
    if (props.text !== undefined) node.textContent = props.text;
    node.append(...children);
    return node;
  };
  const main = el(
    "main",
    { className: "screen screen-pairing" },
    el(
      "section",
      { className: "card pairing-card" },
      el(
        "div",
        { className: "pairing-main" },
        el("p", { className: "eyebrow", text: "Pairing this browser with " }, el("span", { className: "eyebrow-name", text: gateway.name || "the gateway" })),
        el("h1", { id: "pairing-title", text: "Your pairing code" }),
        el(
          "p",
          { className: "pairing-code" },
          el("span", { className: "sr-only", text: "Pairing code: " }),
          el("span", { testId: "pairing-code", text: code }),
        ),
        el("p", { className: "muted", text: "Loading the ways to approve it…" }),
      ),
    ),
  );
  main.dataset.state = "pending";
  main.setAttribute("aria-busy", "true");
  main.querySelector("section")?.setAttribute("aria-labelledby", "pairing-title");
  screen.replaceWith(main);
}
