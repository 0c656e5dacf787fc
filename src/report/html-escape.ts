// Text into HTML and inline SVG: every character that could open a tag, an entity or end an attribute becomes a reference.
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
