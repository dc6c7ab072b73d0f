/**
 * Checks every request the forge receives against GitHub's own OpenAPI description (the subset committed in
 * openapi/github-subset.json, extracted by openapi/extract.mjs): path and query parameters (unknown query
 * parameters are refused) and the JSON body. A request fleetmod builds wrong is answered 422 like GitHub would,
 * and recorded, so a test fails on it even when fleetmod copes with the answer.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: object;
}

interface Operation {
  operationId: string;
  parameters: Parameter[];
  requestBody?: { required: boolean; schema: object };
}

interface Compiled {
  params: ValidateFunction;
  body?: ValidateFunction;
  bodyRequired: boolean;
}

const SUBSET = path.join(import.meta.dirname, 'openapi', 'github-subset.json');

export class OpenApiValidator {
  private readonly compiled = new Map<string, Compiled>();
  readonly routes: string[];

  constructor() {
    const spec = JSON.parse(readFileSync(SUBSET, 'utf8')) as { operations: Record<string, Operation> };
    // GitHub's description is OpenAPI 3.0 (nullable, formats such as repo.nwo): lenient on those, strict on shapes.
    const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true, coerceTypes: false });
    const coercing = new Ajv({ strict: false, validateFormats: false, allErrors: true, coerceTypes: true });
    for (const [key, op] of Object.entries(spec.operations)) {
      const params = op.parameters.filter((p) => p.in !== 'header');
      const paramSchema = {
        type: 'object',
        properties: Object.fromEntries(params.map((p) => [`${p.in}:${p.name}`, p.schema])),
        required: params.filter((p) => p.required).map((p) => `${p.in}:${p.name}`),
        additionalProperties: false,
      };
      this.compiled.set(key, {
        params: coercing.compile(paramSchema),
        ...(op.requestBody && { body: ajv.compile(op.requestBody.schema) }),
        bodyRequired: op.requestBody?.required ?? false,
      });
    }
    this.routes = [...this.compiled.keys()];
  }

  has(operation: string): boolean {
    return this.compiled.has(operation);
  }

  /** Problems with one request, empty when it is valid. `operation` is e.g. "POST /repos/{owner}/{repo}/pulls". */
  validate(operation: string, pathParams: Record<string, string>, query: URLSearchParams, body: unknown): string[] {
    const op = this.compiled.get(operation);
    if (!op) return [`${operation} is not in the OpenAPI subset`];
    const params: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(pathParams)) params[`path:${k}`] = v;
    for (const [k, v] of query) params[`query:${k}`] = v;
    const problems: string[] = [];
    if (!op.params(params)) problems.push(...(op.params.errors ?? []).map((e) => `parameters${e.instancePath} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`));
    if (body === undefined) {
      if (op.bodyRequired) problems.push('a JSON body is required');
    } else if (!op.body) {
      problems.push('no body is expected');
    } else if (!op.body(body)) {
      problems.push(...(op.body.errors ?? []).map((e) => `body${e.instancePath} ${e.message ?? ''}`));
    }
    return problems;
  }
}
