/** `npm run schema`: writes schema/job.schema.json from the zod schema (a test fails when it is out of date). */
import { writeFile } from 'node:fs/promises';
import { JOB_SCHEMA_FILE, JOB_SCHEMA_PATH, jobJsonSchemaText } from '../manifest/json-schema.js';

await writeFile(JOB_SCHEMA_FILE, jobJsonSchemaText());
process.stdout.write(`wrote ${JOB_SCHEMA_PATH}\n`);
