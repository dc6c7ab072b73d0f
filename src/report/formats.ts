/** The formats a report renders to (render.ts), on their own so the CLI can list them without loading a renderer. */
export const REPORT_FORMATS = ['text', 'markdown', 'html', 'json', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}
