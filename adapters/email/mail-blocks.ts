// The parts an email body is made of, rendered once as plain text and once as escaped HTML.
export type MailBlock =
  | { p: string }
  | { facts: [string, string][] }
  | { list: string; items: string[] }
  | { link: string; url: string };

export function renderText(blocks: MailBlock[]): string {
  return `${blocks.map((b) =>
    'p' in b ? b.p
    : 'facts' in b ? b.facts.map(([k, v]) => `${k}: ${v}`).join('\n')
    : 'list' in b ? [`${b.list}:`, ...b.items.map((i) => `  - ${i}`)].join('\n')
    : `${b.link}:\n${b.url}`).join('\n\n')}\n`;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderHtml(title: string, blocks: MailBlock[]): string {
  const body = blocks.map((b) =>
    'p' in b ? `<p>${esc(b.p)}</p>`
    : 'facts' in b ? `<table>${b.facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`
    : 'list' in b ? `<p><b>${esc(b.list)}</b></p><ul>${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ul>`
    : `<p><a class="button" href="${esc(b.url)}">${esc(b.link)}</a></p>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>
body{font:14px/1.45 system-ui,sans-serif;color:#1d232a;max-width:760px}th{text-align:left;padding-right:1em;vertical-align:top;white-space:nowrap}
.button{display:inline-block;padding:.5em 1em;background:#0969da;color:#fff;border-radius:6px;text-decoration:none;font-weight:600}
</style></head><body>\n${body}\n</body></html>\n`;
}
