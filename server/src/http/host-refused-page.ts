// The 403 a browser sees for a Host that is not allowed (DNS rebinding defence): the same one-line reason as the
// plain-text answer, what to change, and a way back. It tells nothing about the gateway's settings or the
// client's address: a rebinding page on that Host can read it.
import { escapeHtml, renderPage } from "./page-shell.js";
import { hostnameOf } from "./trust.js";

export function renderHostRefusedHtml(hostHeader: string | undefined, reason: string): string {
  const name = hostHeader ? hostnameOf(hostHeader) : null;
  const fix = name
    ? `<p>If <code>${escapeHtml(name)}</code> is how you reach this gateway, whoever runs it adds that name and restarts it:</p>
<code class="command">pairgate start --allowed-host ${escapeHtml(name)}</code>`
    : "<p>Your browser or a proxy in between sent no Host header.</p>";
  return renderPage(
    "This address is not allowed",
    `<p class="notice" data-testid="refusal-reason">pairgate: ${escapeHtml(reason)}</p>
<p class="lead">The gateway answers only to names it was told about, so that another site can't point a name of its own at it
(DNS rebinding). IP addresses and <code>localhost</code> always work.</p>
${fix}
<p class="actions"><a class="btn" href="/" data-testid="try-again">Try again</a></p>
<p class="muted">The gateway's machine explains every refused request: <code>pairgate doctor</code>.</p>`,
  );
}
