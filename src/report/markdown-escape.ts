// Free text (alert summaries, notes, reasons, names) into Markdown as inert text: no headings, links, images, HTML or table breaks.

/**
 * One line of literal text. Line breaks become spaces (no new block can start); the characters that open emphasis,
 * links and images, HTML, code, tables, strikethrough, maths and headings are backslash-escaped, as are the starts of
 * GFM's bare autolinks (`://`, `mailto:`, `xmpp:`, `www.`, `@`); a leading list marker or number cannot open a list.
 */
export function mdText(s: string): string {
  return s
    .replace(/[\r\n\u2028\u2029\t\v\f]+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>#|~&$@]/g, (c) => `\\${c}`)
    .replace(/:(?=\/)|(?<=\b(?:mailto|xmpp)):/gi, '\\:')
    .replace(/\b(www)\./gi, '$1\\.')
    .replace(/^([-+=])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Literal text in a code span: a backtick fence longer than any run inside, so nothing can close it early. */
export function mdCode(s: string): string {
  const flat = s.replace(/[\r\n\u2028\u2029]+/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}
