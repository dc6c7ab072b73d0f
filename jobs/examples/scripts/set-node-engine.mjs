// Sets package.json "engines.node" to ">=<major>" and prints what changed. Usage: node set-node-engine.mjs 20
import { readFileSync, writeFileSync, existsSync } from 'node:fs';

const major = process.argv[2];
if (!/^\d+$/.test(major ?? '')) {
  console.error('usage: set-node-engine.mjs <major>');
  process.exit(2);
}
if (!existsSync('package.json')) {
  console.log('no package.json; nothing to do');
  process.exit(0);
}
const text = readFileSync('package.json', 'utf8');
const pkg = JSON.parse(text);
const before = pkg.engines?.node;
pkg.engines = { ...pkg.engines, node: `>=${major}` };
const indent = /^(\s+)"/m.exec(text)?.[1] ?? '  ';
writeFileSync('package.json', `${JSON.stringify(pkg, null, indent)}\n`);
console.log(`engines.node: ${before ?? '(none)'} → >=${major}`);
