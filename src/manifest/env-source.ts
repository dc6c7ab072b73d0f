/**
 * Environment values are text for the steps, but YAML reads `VERSION: 1.10` as the number 1.1, `ZIP: 01234` as
 * 1234 and a long number with fewer digits. The step must see what the manifest says, so before the document becomes
 * plain data, every unquoted number or boolean in an `env` map is replaced by its text as written.
 */
import { isMap, isScalar, visit, type Document } from 'yaml';

/** Every `env` key of the manifest language (sandbox, steps, verify, repos, candidates) holds an environment map. */
export function keepEnvValuesAsWritten(doc: Document): void {
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || pair.key.value !== 'env' || !isMap(pair.value)) return;
      for (const item of pair.value.items) {
        const value = item.value;
        if (!isScalar(value) || value.source === undefined) continue;
        if (typeof value.value === 'number' || typeof value.value === 'boolean') value.value = value.source;
      }
    },
  });
}
