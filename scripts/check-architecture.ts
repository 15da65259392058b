/**
 * The import-direction rule from DESIGN.md §4, run by `npm run lint`:
 * - src/domain imports only src/domain (plus the pure packages listed below); no node: modules.
 * - src/use-cases imports domain, use-cases, and the database's query functions (adapters/db, the outbox store);
 *   SDK-bearing adapters (xero, slack, llm, mail), context and config only as `import type`.
 * - src/listeners and src/jobs import use-cases, context, their own folder, and types from anywhere.
 * - src/adapters/slack/blocks holds PURE Block Kit builders (only domain/ and itself, no packages), so
 *   use-cases, listeners and jobs may import it: rendering is presentation, not an SDK call.
 * - migrations/ never import src/.
 * - only src/sandbox and src/testing import src/sandbox statically; main.ts and the CLI load it with import().
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(import.meta.dirname, '..');
// Pure libraries only: validation, decimals, calendar maths, holiday tables, fuzzy matching, date phrases
// (chrono-node: given its reference instant, it reads text and never the clock or the outside world).
const DOMAIN_PACKAGES = new Set(['zod', 'big.js', 'luxon', 'date-holidays', 'fuse.js', 'chrono-node']);

interface Violation {
  file: string;
  line: number;
  message: string;
}

function walk(dir: string): string[] {
  let out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const IMPORT_RE =
  /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/;

function layerOf(absPath: string): string | null {
  const rel = relative(root, absPath).split(sep);
  if (rel[0] === 'migrations') return 'migrations';
  if (rel[0] !== 'src') return null;
  // Imports name the emitted '.js'; the layer is the '.ts' source.
  if (rel.length === 2) return `src/${rel[1]?.replace(/\.js$/, '.ts')}`;
  return rel[1] ?? null;
}

export function checkFile(file: string, source: string): Violation[] {
  const violations: Violation[] = [];
  const layer = layerOf(file);
  const isTest = /\.test\.ts$/.test(file);
  if (!layer || isTest) return violations;
  source.split('\n').forEach((text, i) => {
    const m = IMPORT_RE.exec(text);
    if (!m) return;
    const typeOnly = Boolean(m[2]);
    const spec = m[3] ?? m[4] ?? '';
    const line = i + 1;
    const rel = relative(root, file);
    const target = spec.startsWith('.') ? layerOf(resolve(dirname(file), spec)) : null;
    const pkg = spec.startsWith('.')
      ? null
      : spec.startsWith('@')
        ? spec.split('/').slice(0, 2).join('/')
        : spec.split('/')[0];
    const fail = (message: string) =>
      violations.push({ file: rel, line, message: `${message} (imports '${spec}')` });

    // The sandboxes need development dependencies (smtp-server) that a production install leaves out.
    if (target === 'sandbox' && layer !== 'sandbox' && layer !== 'testing' && !typeOnly) {
      fail(
        'sandbox/ is development tooling: only tests, and the demo and CLI through a dynamic import(), may load it',
      );
    }
    if (layer === 'migrations') {
      if (target && target !== 'migrations') fail('migrations are frozen and must not import src/');
      return;
    }
    if (layer === 'domain') {
      if (target && target !== 'domain') fail('domain/ is pure: it may import only domain/');
      if (pkg && !DOMAIN_PACKAGES.has(pkg))
        fail(`domain/ is pure: package '${pkg}' is not allowed (only ${[...DOMAIN_PACKAGES].join(', ')})`);
      return;
    }
    const resolvedPath = spec.startsWith('.')
      ? relative(root, resolve(dirname(file), spec))
          .split(sep)
          .join('/')
      : '';
    const isBlocks = resolvedPath.startsWith('src/adapters/slack/blocks/');
    if (relative(root, file).split(sep).join('/').startsWith('src/adapters/slack/blocks/')) {
      if (target && target !== 'domain' && !isBlocks)
        fail('slack/blocks is pure: it may import only domain/ and itself');
      if (pkg && !DOMAIN_PACKAGES.has(pkg)) fail(`slack/blocks is pure: package '${pkg}' is not allowed`);
      return;
    }
    if (isBlocks && (layer === 'use-cases' || layer === 'listeners' || layer === 'jobs')) return;
    if (layer === 'use-cases') {
      const resolved = spec.startsWith('.')
        ? relative(root, resolve(dirname(file), spec))
            .split(sep)
            .join('/')
        : '';
      const isQueryModule =
        resolved.startsWith('src/adapters/db/') || resolved.startsWith('src/adapters/outbox/outbox-store');
      if (
        target &&
        !['domain', 'use-cases'].includes(target) &&
        !typeOnly &&
        target !== 'src/errors.ts' &&
        !isQueryModule
      ) {
        fail(
          'use-cases/ may import domain/, use-cases/ and query modules; SDK adapters only as `import type`',
        );
      }
      if (pkg && !DOMAIN_PACKAGES.has(pkg) && !typeOnly && pkg !== 'kysely')
        fail(`use-cases/ may not import package '${pkg}' (no SDK calls)`);
      return;
    }
    if (layer === 'listeners' || layer === 'jobs') {
      const allowed = ['use-cases', layer, 'src/context.ts', 'src/errors.ts', 'domain'];
      if (target && !allowed.includes(target) && !typeOnly) {
        fail(`${layer}/ is thin: import use-cases/ and context, other layers only as \`import type\``);
      }
    }
  });
  return violations;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  const files = [...walk(join(root, 'src')), ...walk(join(root, 'migrations'))];
  const violations = files.flatMap((f) => checkFile(f, readFileSync(f, 'utf8')));
  for (const v of violations) console.error(`${v.file}:${v.line}  ${v.message}`);
  if (violations.length > 0) {
    console.error(`\n${violations.length} import-direction violation(s) (DESIGN.md §4)`);
    process.exit(1);
  }
  console.log(`architecture: ${files.length} files follow the import rules`);
}
