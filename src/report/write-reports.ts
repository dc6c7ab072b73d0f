/** Writes the HTML and JSON reports of a run into its folder (done at the end of every `fleetmod run`). */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderHtml } from './html/render-html.js';
import type { Report } from './model.js';
import { renderJson } from './render-json.js';

export interface WrittenReports {
  html: string;
  json: string;
}

export async function writeRunReports(report: Report, runDir: string): Promise<WrittenReports> {
  await mkdir(runDir, { recursive: true });
  const files: WrittenReports = { html: path.join(runDir, 'report.html'), json: path.join(runDir, 'report.json') };
  await Promise.all([writeFile(files.html, renderHtml(report)), writeFile(files.json, renderJson(report))]);
  return files;
}
