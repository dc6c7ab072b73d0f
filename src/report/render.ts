/** One entry point for every report format, used by `report`, `run` and the benchmarks. */
import { renderHtml } from './html/render-html.js';
import type { Report } from './model.js';
import { renderJson } from './render-json.js';
import { renderJunit } from './render-junit.js';
import { renderMarkdown } from './render-markdown.js';
import { renderText } from './render-text.js';
import type { ReportFormat } from './formats.js';

export interface RenderOptions {
  /** JSON only: include each repo's full diff. */
  includeDiffs?: boolean;
}

export function renderReport(report: Report, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'text':
      return renderText(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'html':
      return renderHtml(report);
    case 'json':
      return renderJson(report, { includeDiffs: options.includeDiffs ?? false });
    case 'junit':
      return renderJunit(report);
  }
}
