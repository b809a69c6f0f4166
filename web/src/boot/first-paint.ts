// What the dashboard's entry (main.ts) shows before React has loaded, in plain DOM. On a first visit the code is what
// the person came for, and evaluating React and the screens takes longer than the whole handshake, so the entry
// shows the code itself and loads the app after. The code fills in the top of the pairing card (the same classes and
// test ids as pages/pairing-page.tsx); React then renders the whole page over it, so the code stays where it is.
import { compactCode, formatCode } from "../../../shared/pairing/pairing-code.js";
import type { PendingState } from "../gateway/gateway-state.js";

type Props = { className?: string; id?: string; text?: string; testId?: string; state?: string };

// textContent only: the gateway's name is text from a server, never markup.
function el(tag: string, props: Props, ...children: Node[]): HTMLElement {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.id) node.id = props.id;
  if (props.testId) node.dataset.testid = props.testId;
  if (props.state) node.dataset.state = props.state;
  if (props.text !== undefined) node.textContent = props.text;
  node.append(...children);
  return node;
}

/** In place of the current screen, so index.html's header stays. */
function replaceScreen(root: HTMLElement, screen: HTMLElement): void {
  const current = root.querySelector("main");
  if (current) current.replaceWith(screen);
  else root.replaceChildren(screen);
}

export function showFirstCode(root: HTMLElement, { request, gateway }: PendingState): void {
  const code = formatCode(compactCode(request.code));
  const card = el(
    "section",
    { className: "card pairing-card" },
    el(
      "div",
      { className: "pairing-main" },
      el("p", { className: "eyebrow", text: "Pairing this browser with " }, el("span", { className: "eyebrow-name", text: gateway.name || "the gateway" })),
      el("h1", { id: "pairing-title", text: "Your pairing code" }),
      el("p", { className: "pairing-code" }, el("span", { className: "sr-only", text: "Pairing code: " }), el("span", { testId: "pairing-code", text: code })),
      el("p", { className: "muted", text: "Loading the ways to approve it…" }),
    ),
  );
  card.setAttribute("aria-labelledby", "pairing-title");
  const screen = el("main", { className: "screen screen-pairing", state: "pending" }, card);
  screen.setAttribute("aria-busy", "true");
  replaceScreen(root, screen);
}

/** The app's chunk didn't load: the gateway was upgraded and the old chunk is gone, or the network dropped. */
export function showLoadFailure(root: HTMLElement): void {
  const reload = el("button", { className: "btn btn-secondary btn-md", text: "Reload" });
  reload.setAttribute("type", "button");
  reload.addEventListener("click", () => window.location.reload());
  const text = "The dashboard's scripts did not load (the gateway may have been upgraded or be unreachable). ";
  replaceScreen(root, el("main", { className: "screen screen-boot", state: "failed" }, el("p", { text }), reload));
}
