import ts from 'typescript';

const QUERY_BUILDERS = new Set(['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'forUpdate']);

/**
 * Where a file builds SQL itself, for the architecture check's use-case rule: a kysely builder call
 * (`.selectFrom(`, `.insertInto(`, `.updateTable(`, `.deleteFrom(`, `.forUpdate(`) or a `sql` tagged template.
 * Read with TypeScript's parser, so a comment or a string naming them is not a query.
 */
export function queryBuildingOf(fileName: string, source: string): { line: number; message: string }[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: { line: number; message: string }[] = [];
  const push = (node: ts.Node, what: string) =>
    out.push({
      line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
      message: `${what} in a use-case: use-cases/ reach the database through query modules in adapters/db/`,
    });
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      QUERY_BUILDERS.has(node.expression.name.text)
    ) {
      push(node.expression.name, `.${node.expression.name.text}(`);
    } else if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && node.tag.text === 'sql') {
      push(node, 'a sql`…` template');
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}
