/**
 * The import-direction rule from DESIGN.md §4, run by `npm run lint`. Imports are read with TypeScript's own
 * parser (an import written over several lines, an `export … from`, `import x = require()` are all seen):
 * - src/domain imports only src/domain (plus the pure packages listed below); no node: modules.
 * - src/use-cases imports domain, use-cases, and the database's query functions (adapters/db, the outbox store);
 *   SDK-bearing adapters (xero, slack, llm, mail), context and config only as `import type`.
 *   It builds no SQL either (no kysely builder call, no sql template): its queries live in adapters/db/.
 * - src/listeners and src/jobs import use-cases, context, their own folder, and types from anywhere.
 * - src/adapters import adapters, domain, errors, config and logger: nothing above them (use-cases, jobs,
 *   listeners, the composition root) except as `import type` (a port a use-case declares and an adapter fills).
 *   The few that still do are listed in ADAPTER_DEBT, each with what moves it; the list may only shrink.
 * - src/adapters/slack/blocks holds PURE Block Kit builders (only domain/ and itself, no packages), so
 *   use-cases, listeners and jobs may import it: rendering is presentation, not an SDK call.
 * - the files at the root of src/: errors.ts, logger.ts and config.ts are leaves (no use-case, job, listener or
 *   composer: config may use a pure parser from adapters/);
 *   context.ts, wiring.ts, service.ts, main.ts, cli.ts and outbox-handlers.ts compose, and nothing below them imports them except
 *   as `import type` (listeners and jobs may import the context, which they are handed).
 * - migrations/ never import src/.
 * - only src/sandbox and src/testing import src/sandbox statically; main.ts and the CLI load it with import().
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { queryBuildingOf } from './query-building.js';

const root = resolve(import.meta.dirname, '..');
// Pure libraries only: validation, decimals, calendar maths, holiday tables, fuzzy matching, date phrases
// (chrono-node: given its reference instant, it reads text and never the clock or the outside world).
const DOMAIN_PACKAGES = new Set(['zod', 'big.js', 'luxon', 'date-holidays', 'fuse.js', 'chrono-node']);

/** Root files that are leaves: anything may import them, they import no layer. */
const ROOT_LEAVES = new Set(['src/errors.ts', 'src/logger.ts', 'src/config.ts']);
/** Root files that compose the app: only each other import them (others as `import type`). */
const ROOT_COMPOSERS = new Set([
  'src/context.ts',
  'src/wiring.ts',
  'src/service.ts',
  'src/main.ts',
  'src/cli.ts',
  'src/outbox-handlers.ts',
]);

/**
 * Adapters that still import a use-case at run time, each with what moves it. Empty since #14 moved the outbox
 * handlers to jobs/ and the inbound-email route to http/; the list may only shrink (a paid debt is an error here).
 */
const ADAPTER_DEBT: ReadonlyMap<string, string> = new Map([]);

interface Violation {
  file: string;
  line: number;
  message: string;
}

interface ImportRef {
  readonly spec: string;
  readonly line: number;
  readonly typeOnly: boolean;
  /** `import('…')`: loaded when run, not when the module loads. */
  readonly dynamic: boolean;
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

/** Every module a file names, as TypeScript reads it. */
export function importsOf(fileName: string, source: string): ImportRef[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: ImportRef[] = [];
  const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      // `import type {…}`, or every name in braces marked `type` with no default: nothing is loaded.
      const allTypes =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            named !== undefined &&
            ts.isNamedImports(named) &&
            named.elements.length > 0 &&
            named.elements.every((e) => e.isTypeOnly)));
      out.push({ spec: node.moduleSpecifier.text, line: lineOf(node), typeOnly: allTypes, dynamic: false });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      out.push({
        spec: node.moduleSpecifier.text,
        line: lineOf(node),
        typeOnly: node.isTypeOnly,
        dynamic: false,
      });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      out.push({
        spec: node.moduleReference.expression.text,
        line: lineOf(node),
        typeOnly: node.isTypeOnly,
        dynamic: false,
      });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push({ spec: node.arguments[0].text, line: lineOf(node), typeOnly: false, dynamic: true });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      out.push({ spec: node.argument.literal.text, line: lineOf(node), typeOnly: true, dynamic: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

const posix = (p: string) => p.split(sep).join('/');

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
  const rel = posix(relative(root, file));
  // A use-case owns its transaction (`db.transaction().execute(…)`) but writes no SQL: each query is a function of
  // the adapters/db/ module that owns its table, `db` first, a `Transaction` when it locks (#14).
  for (const { line, message } of layer === 'use-cases' ? queryBuildingOf(file, source) : [])
    violations.push({ file: rel, line, message });
  for (const { spec, line, typeOnly, dynamic } of importsOf(file, source)) {
    const resolvedPath = spec.startsWith('.') ? posix(relative(root, resolve(dirname(file), spec))) : '';
    const target = spec.startsWith('.') ? layerOf(resolve(dirname(file), spec)) : null;
    const pkg = spec.startsWith('.')
      ? null
      : spec.startsWith('@')
        ? spec.split('/').slice(0, 2).join('/')
        : spec.split('/')[0];
    const fail = (message: string) =>
      violations.push({ file: rel, line, message: `${message} (imports '${spec}')` });
    const isBlocks = resolvedPath.startsWith('src/adapters/slack/blocks/');

    // The sandboxes need development dependencies (smtp-server) that a production install leaves out.
    if (target === 'sandbox' && layer !== 'sandbox' && layer !== 'testing' && !typeOnly && !dynamic) {
      fail(
        'sandbox/ is development tooling: only tests, and the demo and CLI through a dynamic import(), may load it',
      );
    }
    if (layer === 'migrations') {
      if (target && target !== 'migrations') fail('migrations are frozen and must not import src/');
      continue;
    }
    // The composition root: only composers (and, for the context, the listeners and jobs it is handed to) load it.
    if (
      target &&
      ROOT_COMPOSERS.has(target) &&
      !typeOnly &&
      !dynamic &&
      !ROOT_COMPOSERS.has(layer) &&
      layer !== 'testing' &&
      layer !== 'sandbox' &&
      !(target === 'src/context.ts' && (layer === 'listeners' || layer === 'jobs' || layer === 'cli')) &&
      // A CLI command runs the side effects it queued (its cards, its digest) with the service's own handlers.
      !(target === 'src/outbox-handlers.ts' && layer === 'cli')
    ) {
      fail(`${target.slice(4)} composes the app: below it, import it only as \`import type\``);
    }
    if (ROOT_LEAVES.has(layer)) {
      const upward =
        target === 'use-cases' ||
        target === 'jobs' ||
        target === 'listeners' ||
        target === 'cli' ||
        (target !== null && ROOT_COMPOSERS.has(target));
      if (upward && !typeOnly)
        fail(`${layer.slice(4)} is a leaf: it may not import ${target}, which depends on it`);
      continue;
    }
    if (layer === 'domain') {
      if (target && target !== 'domain') fail('domain/ is pure: it may import only domain/');
      if (pkg && !DOMAIN_PACKAGES.has(pkg))
        fail(`domain/ is pure: package '${pkg}' is not allowed (only ${[...DOMAIN_PACKAGES].join(', ')})`);
      continue;
    }
    if (rel.startsWith('src/adapters/slack/blocks/')) {
      if (target && target !== 'domain' && !isBlocks)
        fail('slack/blocks is pure: it may import only domain/ and itself');
      // Slack's own type declarations describe Block Kit and run nothing: a builder may name them as types.
      const slackTypes = pkg === '@slack/types' && typeOnly;
      if (pkg && !DOMAIN_PACKAGES.has(pkg) && !slackTypes)
        fail(`slack/blocks is pure: package '${pkg}' is not allowed`);
      continue;
    }
    if (layer === 'adapters') {
      const above = target === 'use-cases' || target === 'jobs' || target === 'listeners' || target === 'cli';
      if (above && !typeOnly && !ADAPTER_DEBT.has(rel))
        fail(`adapters/ depend on nothing above them: ${target}/ only as \`import type\``);
      continue;
    }
    if (isBlocks && (layer === 'use-cases' || layer === 'listeners' || layer === 'jobs')) continue;
    if (layer === 'use-cases') {
      const isQueryModule =
        resolvedPath.startsWith('src/adapters/db/') ||
        resolvedPath.startsWith('src/adapters/outbox/outbox-store');
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
      continue;
    }
    if (layer === 'listeners' || layer === 'jobs') {
      const allowed = ['use-cases', layer, 'src/context.ts', 'src/errors.ts', 'domain'];
      if (target && !allowed.includes(target) && !typeOnly) {
        fail(`${layer}/ is thin: import use-cases/ and context, other layers only as \`import type\``);
      }
    }
  }
  return violations;
}

/** A source file longer than this says why at its top (#14): long files are where a module hides two. */
export const LONG_FILE_LINES = 300;
export const LONG_FILE_REASON = '// Over 300 lines:';

/** A non-test source file over the limit whose first line does not give its reason. */
export function lengthViolation(file: string, text: string): Violation | null {
  if (/\.test\.ts$/.test(file)) return null;
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines <= LONG_FILE_LINES || text.startsWith(LONG_FILE_REASON)) return null;
  return {
    file,
    line: 1,
    message: `${lines} lines: split it, or say why it is one file on its first line (\`${LONG_FILE_REASON} …\`)`,
  };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename);
if (isMain) {
  const files = [...walk(join(root, 'src')), ...walk(join(root, 'migrations'))];
  const sources = [...files, ...walk(join(root, 'scripts'))].filter((f) => f.endsWith('.ts'));
  const violations = [
    ...files.flatMap((f) => checkFile(f, readFileSync(f, 'utf8'))),
    ...sources.flatMap((f) => lengthViolation(relative(root, f), readFileSync(f, 'utf8')) ?? []),
  ];
  for (const v of violations) console.error(`${v.file}:${v.line}  ${v.message}`);
  // A debt that is paid leaves the list: an entry whose file no longer imports upward is itself an error.
  const stale = [...ADAPTER_DEBT.keys()].filter((f) => {
    const abs = join(root, f);
    try {
      return !importsOf(abs, readFileSync(abs, 'utf8')).some((i) => {
        const t = i.spec.startsWith('.') ? layerOf(resolve(dirname(abs), i.spec)) : null;
        return !i.typeOnly && (t === 'use-cases' || t === 'jobs' || t === 'listeners' || t === 'cli');
      });
    } catch {
      return true;
    }
  });
  for (const f of stale) console.error(`${f}  no longer imports upward: remove it from ADAPTER_DEBT`);
  if (violations.length > 0 || stale.length > 0) {
    console.error(`\n${violations.length + stale.length} architecture violation(s) (DESIGN.md §4)`);
    process.exit(1);
  }
  console.log(`architecture: ${files.length} files follow the import rules`);
}
