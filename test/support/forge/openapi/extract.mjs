#!/usr/bin/env node
/**
 * One-off: extracts the GitHub REST operations fleetmod calls from @octokit/openapi into github-subset.json, the
 * small committed file the forge validates incoming requests against. The full package is ~385 MB, so it is not a
 * dependency; run this only when the list below changes:
 *
 *   npm i --no-save @octokit/openapi@23 && node test/support/forge/openapi/extract.mjs
 *
 * (or install it anywhere and pass its folder: node extract.mjs /tmp/x/node_modules/@octokit/openapi)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Every operation fleetmod or its tests send to GitHub; the forge answers exactly these. */
const OPERATIONS = [
  ['get', '/repos/{owner}/{repo}'],
  ['get', '/repos/{owner}/{repo}/pulls'],
  ['post', '/repos/{owner}/{repo}/pulls'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['patch', '/repos/{owner}/{repo}/pulls/{pull_number}'],
  ['get', '/repos/{owner}/{repo}/pulls/{pull_number}/reviews'],
  ['post', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/labels'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/assignees'],
  ['get', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['post', '/repos/{owner}/{repo}/issues/{issue_number}/comments'],
  ['post', '/repos/{owner}/{repo}/forks'],
  ['get', '/repos/{owner}/{repo}/commits/{ref}/status'],
  ['get', '/repos/{owner}/{repo}/commits/{ref}/check-runs'],
  ['get', '/orgs/{org}/installation'],
  ['get', '/users/{username}/installation'],
  ['post', '/app/installations/{installation_id}/access_tokens'],
  ['get', '/user'],
  ['get', '/user/repos'],
  ['get', '/orgs/{org}/repos'],
  ['get', '/users/{username}/repos'],
  ['get', '/search/repositories'],
];

/** Keeps what validation needs; descriptions and examples make the file ten times bigger. */
function slim(schema) {
  if (Array.isArray(schema)) return schema.map(slim);
  if (schema === null || typeof schema !== 'object') return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (['description', 'example', 'examples', 'title', 'externalDocs'].includes(key)) continue;
    out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, slim(v)])) : slim(value);
  }
  return out;
}

const require = createRequire(import.meta.url);
const pkgDir = process.argv[2] ?? path.dirname(require.resolve('@octokit/openapi/package.json'));
const version = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
const spec = JSON.parse(readFileSync(path.join(pkgDir, 'generated', 'api.github.com.deref.json'), 'utf8'));

const operations = {};
for (const [method, route] of OPERATIONS) {
  const op = spec.paths[route]?.[method];
  if (!op) throw new Error(`${method.toUpperCase()} ${route} is not in @octokit/openapi ${version}`);
  const body = op.requestBody?.content?.['application/json']?.schema;
  operations[`${method.toUpperCase()} ${route}`] = {
    operationId: op.operationId,
    parameters: (op.parameters ?? []).map((p) => ({ name: p.name, in: p.in, required: Boolean(p.required), schema: slim(p.schema) })),
    ...(body && { requestBody: { required: Boolean(op.requestBody.required), schema: slim(body) } }),
  };
}

const out = path.join(path.dirname(new URL(import.meta.url).pathname), 'github-subset.json');
writeFileSync(out, `${JSON.stringify({ source: `@octokit/openapi@${version} generated/api.github.com.deref.json`, operations }, null, 1)}\n`);
console.log(`wrote ${Object.keys(operations).length} operations to ${out}`);
