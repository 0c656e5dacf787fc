// One report, three formats (docs/design.md §6: md | html | json), each with its content type.
import type { IncidentReport } from '../model/incident-report.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';

export const REPORT_FORMATS = ['md', 'html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function renderReport(report: IncidentReport, format: ReportFormat): { contentType: string; body: string } {
  switch (format) {
    case 'md': return { contentType: 'text/markdown; charset=utf-8', body: renderMarkdown(report) };
    case 'html': return { contentType: 'text/html; charset=utf-8', body: renderHtml(report) };
    case 'json': return { contentType: 'application/json; charset=utf-8', body: `${JSON.stringify(report, null, 2)}\n` };
  }
}
