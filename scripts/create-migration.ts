/**
 * Creates migrations/<timestamp>-<name>.ts and appends it to the ordered barrel (migrations/index.ts).
 * Usage: npm run migration:create -- add-invoices
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const name = process.argv[2];
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  console.error('usage: npm run migration:create -- <kebab-case-name>');
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/[-:.]/g, '');
const id = `${stamp}-${name}`;
const dir = join(import.meta.dirname, '..', 'migrations');
writeFileSync(
  join(dir, `${id}.ts`),
  `import { type Kysely, sql } from 'kysely';

// Frozen: never import src/ here; later changes get a new migration.
export async function up(db: Kysely<any>): Promise<void> {
  await sql\`select 1\`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql\`select 1\`.execute(db);
}
`,
  { flag: 'wx' },
);
const barrelPath = join(dir, 'index.ts');
const barrel = readFileSync(barrelPath, 'utf8');
const alias = `m${stamp}`;
const withImport = barrel.replace(
  /(import type \{ Migration \} from 'kysely';\n(?:import .*\n)*)/,
  `$1import * as ${alias} from './${id}.js';\n`,
);
const withEntry = withImport.replace(/\n\};\s*$/, `\n  '${id}': ${alias},\n};\n`);
writeFileSync(barrelPath, withEntry);
console.log(`created migrations/${id}.ts`);
