/** Proves a secret never reached the journal or a log: every row of every table, and the raw bytes of every file under the state folder. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface SecretFinding {
  where: string;
  form: string;
}

export async function findSecret(stateDir: string, secret: string): Promise<SecretFinding[]> {
  const forms = [secret, Buffer.from(`x-access-token:${secret}`).toString('base64')];
  const found: SecretFinding[] = [];
  const db = new Database(path.join(stateDir, 'fleetmod.db'), { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    for (const { name } of tables) {
      const rows = JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all());
      for (const form of forms) if (rows.includes(form)) found.push({ where: `table ${name}`, form });
    }
  } finally {
    db.close();
  }
  for (const file of await filesUnder(stateDir)) {
    const bytes = await readFile(file);
    for (const form of forms) if (bytes.includes(form)) found.push({ where: file, form });
  }
  return found;
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(full)));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}
