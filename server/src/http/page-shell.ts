// The frame of the gateway's own HTML pages (GET /whoami, the 403 for a Host that is not allowed): the
// dashboard's header, colours and card, with no script. The stylesheet is inline because the 403 page can't
// load one (every request with that Host is refused too); its hash goes into that response's CSP, so
// 'unsafe-inline' is never needed and script stays forbidden.
import { cspAllowingInline } from "./headers.js";

const PAGE_STYLE = `
:root{--bg:#f5f6f8;--surface:#fff;--surface-2:#f1f3f6;--text:#101828;--muted:#5d6679;--border:#e1e5eb;--accent:#4f46e5;
--accent-weak:#eef0ff;--good:#067647;--warn:#a15c07;--warn-weak:#fff6e5;--bad:#b42318;--bad-weak:#fef1f0;
--mono:ui-monospace,"SF Mono",Menlo,Consolas,"Liberation Mono","DejaVu Sans Mono",monospace;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0c111b;--surface:#131a26;--surface-2:#1a2230;--text:#e8ebf1;--muted:#9aa3b5;
--border:#263042;--accent:#8b93ff;--accent-weak:#1e2350;--good:#4ade80;--warn:#fbbf24;--warn-weak:#2c2210;--bad:#f87171;--bad-weak:#311616}}
*,*::before,*::after{box-sizing:border-box}
body{margin:0;min-height:100vh;background:var(--bg);color:var(--text);
font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
h1,h2,p,ul,table{margin:0}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
code{font-family:var(--mono);font-size:.92em;overflow-wrap:anywhere}
.app-header{display:flex;align-items:center;gap:10px;max-width:760px;margin:0 auto;padding:16px 20px 0;font-weight:650}
.brand-mark{width:26px;height:26px;border-radius:8px}
main{max-width:760px;margin:0 auto;padding:20px 20px 56px;display:grid;gap:18px}
.card{background:var(--surface);border:1px solid var(--border);border-radius:14px;padding:22px;display:grid;gap:14px;min-width:0}
h1{font-size:1.5rem;line-height:1.25}
h2{font-size:1rem}
.lead,.muted{color:var(--muted)}
.facts{display:grid;grid-template-columns:minmax(9rem,max-content) minmax(0,1fr);gap:8px 16px;margin:0}
.facts dt{font-size:.78rem;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;padding-top:2px}
.facts dd{margin:0;overflow-wrap:anywhere}
.yes{color:var(--good);font-weight:600}.no{color:var(--bad);font-weight:600}
.diagnosis{display:grid;gap:8px;padding-left:1.2em}
.notice{border-radius:9px;padding:12px 14px;background:var(--warn-weak);border:1px solid color-mix(in srgb,var(--warn) 30%,transparent)}
.command{display:block;padding:10px 14px;border-radius:9px;background:#0f172a;color:#e2e8f0}
.actions{display:flex;gap:10px;flex-wrap:wrap}
.btn{display:inline-flex;align-items:center;min-height:40px;padding:8px 16px;border-radius:9px;border:1px solid var(--accent);
background:var(--accent);color:#fff;font-weight:600;text-decoration:none}
@media (prefers-color-scheme:dark){.btn{color:#0c111b}}
@media (max-width:520px){main{padding:14px 12px 40px}.card{padding:18px}.facts{grid-template-columns:minmax(0,1fr);gap:2px}
.facts dd{margin-bottom:8px}}
`;

/** The CSP for these pages: the gateway's own, with this one stylesheet allowed by its hash. */
export const PAGE_CSP = cspAllowingInline("style-src", [PAGE_STYLE]);

const BRAND_MARK = `<svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="8" fill="#4f46e5"/>\
<circle cx="12" cy="16" r="5" fill="none" stroke="#fff" stroke-width="3"/><path d="M17 16h9m-3 0v4" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>`;

/** A whole page: `title` as the tab title and heading, `bodyHtml` (already escaped) inside the card. */
export function renderPage(title: string, bodyHtml: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} · pairgate</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header class="app-header">${BRAND_MARK}<span>pairgate</span></header>
<main>
<section class="card" aria-labelledby="page-title">
<h1 id="page-title">${escapeHtml(title)}</h1>
${bodyHtml}
</section>
</main>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
