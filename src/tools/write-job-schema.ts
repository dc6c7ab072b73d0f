/** `npm run schema`: writes schema/job.schema.json from the zod schema (a test fails when it is out of date). */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { JOB_SCHEMA_PATH, jobJsonSchemaText } from '../manifest/json-schema.js';

const target = fileURLToPath(new URL(`../../${JOB_SCHEMA_PATH}`, import.meta.url));
await writeFile(target, jobJsonSchemaText());
process.stdout.write(`wrote ${JOB_SCHEMA_PATH}\n`);
