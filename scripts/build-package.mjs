// Builds one workspace package (run from its folder): dist/cjs with tsc, then
// dist/esm from the same sources as ES modules (decorator metadata needs tsc;
// esbuild-style bundlers drop it). `--cjs-only` for the private demo app.
//
// Node's ESM loader wants full relative specifiers (`./x.js`, `./dir/index.js`)
// while the sources are written extensionless for the CommonJS build. Rather
// than rename every import in the tree, a tsc transformer rewrites each
// relative specifier of the emitted JavaScript and declarations, resolving it
// against the real source files (so a wrong guess fails the build instead of
// failing a host at run time). Only TypeScript is used: no extra dependency.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

// CommonJS packages whose default export an ES module (and TypeScript's
// nodenext types) sees as the whole namespace: ESM output imports the named
// export instead (`import Redis from 'ioredis'` -> `import { Redis } from 'ioredis'`).
const DEFAULT_AS_NAMED = { ioredis: 'Redis' };

const root = process.cwd();
const cjsOnly = process.argv.includes('--cjs-only');
rmSync(join(root, 'dist'), { recursive: true, force: true });
emit(join(root, 'tsconfig.build.json'), undefined);
if (!cjsOnly) {
  const outDir = join(root, 'dist/esm');
  emit(join(root, 'tsconfig.esm.json'), specifierRewriter());
  mkdirSync(outDir, { recursive: true });
  // The scope marker that makes Node load dist/esm/**/*.js as ES modules.
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: 'module' }, null, 2) + '\n');
}

function emit(configPath, rewrite) {
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) fail([read.error]);
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
  if (parsed.errors.length) fail(parsed.errors);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
  const transformers = rewrite ? { after: [rewrite], afterDeclarations: [rewrite] } : undefined;
  const result = program.emit(undefined, undefined, undefined, false, transformers);
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (diagnostics.length) fail(diagnostics);
}

/** Full specifier for `spec` imported from `fromFile`, or undefined for a bare package name. */
function fullSpecifier(spec, fromFile) {
  if (!spec.startsWith('./') && !spec.startsWith('../')) return undefined;
  if (/\.(c|m)?js$/.test(spec)) return spec;
  const base = resolve(dirname(fromFile), spec);
  if (existsSync(`${base}.ts`) || existsSync(`${base}.d.ts`)) return `${spec}.js`;
  if (existsSync(join(base, 'index.ts'))) return `${spec}/index.js`;
  throw new Error(`build-esm: cannot resolve ${spec} from ${fromFile}`);
}

function specifierRewriter() {
  return (context) => (sourceFile) => {
    const fromFile = sourceFile.fileName;
    const f = context.factory;
    const literal = (node) => {
      const next = fullSpecifier(node.text, fromFile);
      return next && next !== node.text ? f.createStringLiteral(next) : node;
    };
    const namedInsteadOfDefault = (clause, spec) => {
      const exported = DEFAULT_AS_NAMED[spec];
      if (!exported || !clause?.name) return clause;
      const local = clause.name.text;
      const element = f.createImportSpecifier(
        false,
        local === exported ? undefined : f.createIdentifier(exported),
        f.createIdentifier(local),
      );
      const others =
        clause.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : [];
      if (clause.namedBindings && !ts.isNamedImports(clause.namedBindings))
        throw new Error(`build-esm: cannot rewrite ${spec} import in ${fromFile}`);
      return f.updateImportClause(clause, clause.isTypeOnly, undefined, f.createNamedImports([element, ...others]));
    };
    const visit = (node) => {
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
        return f.updateImportDeclaration(
          node,
          node.modifiers,
          namedInsteadOfDefault(node.importClause, node.moduleSpecifier.text),
          literal(node.moduleSpecifier),
          node.attributes,
        );
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
        return f.updateExportDeclaration(
          node,
          node.modifiers,
          node.isTypeOnly,
          node.exportClause,
          literal(node.moduleSpecifier),
          node.attributes,
        );
      }
      // `import('./x')` in code, and `import('./x').T` in declarations.
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const [arg, ...rest] = node.arguments;
        if (arg && ts.isStringLiteral(arg))
          return f.updateCallExpression(node, node.expression, node.typeArguments, [literal(arg), ...rest]);
      }
      if (
        ts.isImportTypeNode(node) &&
        ts.isLiteralTypeNode(node.argument) &&
        ts.isStringLiteral(node.argument.literal)
      ) {
        return f.updateImportTypeNode(
          node,
          f.updateLiteralTypeNode(node.argument, literal(node.argument.literal)),
          node.attributes,
          node.qualifier,
          node.typeArguments,
          node.isTypeOf,
        );
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitEachChild(sourceFile, visit, context);
  };
}

function fail(diags) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' };
  console.error(ts.formatDiagnosticsWithColorAndContext(diags, host));
  process.exit(1);
}
