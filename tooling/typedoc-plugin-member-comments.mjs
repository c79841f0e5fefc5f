// A TypeDoc plugin: members of types that TypeScript expands keep the comment written in the source.
//
// `export const S = z.object({ /** Steps to take. */ steps: z.number() })` is documented at the
// property, but TypeDoc shows `S` (and `z.infer<typeof S>`, and a function returning an object
// literal) as an expanded type literal, `S.__type.steps`, whose member symbol is one TypeScript made
// up: a property of zod's mapped output type, an instantiation of a generic, or a union or
// intersection of such. TypeDoc reads comments only from the declarations that symbol lists, and
// those are often none, or ones without the comment. This plugin follows the symbol back to the
// symbols it was made from (`links.syntheticOrigin` of mapped-type members, `links.target` of
// instantiations, `checker.getRootSymbols` of union and intersection members) and, when one of them
// is declared with a comment (an object literal property, a property of a `z.object({…})` shape, an
// interface or class member), gives the member that comment, parsed by TypeDoc itself (so `@default`,
// `{@link}` and the rest work as anywhere else). Nothing is made up: a member whose origins carry no
// comment stays undocumented and `validation.notDocumented` still reports it.
//
// A member whose origin is declared in another workspace package's built declarations
// (`packages/core/dist/index.d.ts`, which is what `@agent-forge/core` resolves to) has lost its
// comment there: declaration emit writes a zod schema's shape as a type, without the comments of the
// `z.object({…})` it was inferred from. For those the plugin opens that package's own source
// (`src/index.ts` under the package's tsconfig.json, one TypeScript program per package, made on
// first need), finds the same export, follows the declaration's place in the built type (property,
// type argument, union member, return type…) through the source types, and takes the comment of the
// property it arrives at.
//
// TYPEDOC_MEMBER_COMMENTS_DEBUG=1 logs each member it documented, and each one it could not, with
// the declarations it looked at.
import { existsSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { Converter, ReflectionKind } from 'typedoc';

const debug = process.env.TYPEDOC_MEMBER_COMMENTS_DEBUG === '1';

/** Declarations whose leading JSDoc comment documents a member. */
const memberDeclarationKinds = new Set([
  ts.SyntaxKind.PropertyAssignment,
  ts.SyntaxKind.ShorthandPropertyAssignment,
  ts.SyntaxKind.PropertySignature,
  ts.SyntaxKind.PropertyDeclaration,
  ts.SyntaxKind.MethodSignature,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
]);

/** True when the reflection is a member of a type literal TypeDoc made from an expanded type (`….__type.name`). */
function isTypeLiteralMember(reflection) {
  return (
    reflection.kindOf(ReflectionKind.Property | ReflectionKind.Method | ReflectionKind.Accessor) &&
    reflection.parent?.kindOf(ReflectionKind.TypeLiteral) === true
  );
}

/** The symbol and every symbol it was made from, nearest first. */
function originSymbols(symbol, checker) {
  const seen = new Set([symbol]);
  const queue = [symbol];
  for (let i = 0; i < queue.length; i++) {
    const current = queue[i];
    const links = current.links;
    const next = [links?.syntheticOrigin, links?.target, current.target];
    // getRootSymbols answers the symbol itself unless it is synthesized (union, intersection, mapped).
    if (current.flags & ts.SymbolFlags.Transient) next.push(...checker.getRootSymbols(current));
    for (const origin of next) {
      if (origin && !seen.has(origin)) {
        seen.add(origin);
        queue.push(origin);
      }
    }
  }
  return queue;
}

function describe(declaration) {
  const file = declaration.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(declaration.getStart());
  return `${ts.SyntaxKind[declaration.kind]} ${file.fileName}:${line + 1}`;
}

// ---- Built declarations of a workspace package, back to its source --------------------------------

/** Source programs by package folder (undefined: that package has no `src/` entry to read). */
const sourcePrograms = new Map();

/** The package folder, source entry and TypeScript program behind a built `dist/*.d.ts` of the workspace. */
function sourceProgramOf(distFileName) {
  const normalized = distFileName.replaceAll('\\', '/');
  const match = /^(.*)\/dist\/([^/]+)\.d\.[cm]?ts$/.exec(normalized);
  if (!match || normalized.includes('/node_modules/')) return undefined;
  const [, packageDir, base] = match;
  if (sourcePrograms.has(packageDir)) return sourcePrograms.get(packageDir);
  let found;
  const entry = path.join(packageDir, 'src', `${base}.ts`);
  const configFile = path.join(packageDir, 'tsconfig.json');
  if (existsSync(path.join(packageDir, 'package.json')) && existsSync(entry) && existsSync(configFile)) {
    const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} };
    const parsed = ts.getParsedCommandLineOfConfigFile(configFile, {}, host);
    if (parsed) {
      const program = ts.createProgram({ rootNames: [entry], options: { ...parsed.options, noEmit: true } });
      const checker = program.getTypeChecker();
      const entryFile = program.getSourceFile(entry);
      const moduleSymbol = entryFile && checker.getSymbolAtLocation(entryFile);
      if (moduleSymbol) {
        const exports = new Map(checker.getExportsOfModule(moduleSymbol).map((symbol) => [symbol.name, symbol]));
        found = { program, checker, exports };
      }
    }
  }
  sourcePrograms.set(packageDir, found);
  return found;
}

/** Export names of the top-level symbols of a built declaration file, by the file's own checker. */
const exportNamesCache = new WeakMap();
function exportNamesOf(sourceFile, checker) {
  let names = exportNamesCache.get(sourceFile);
  if (!names) {
    names = new Map();
    const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
    for (const symbol of moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : []) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      if (!names.has(target)) names.set(target, symbol.name);
    }
    exportNamesCache.set(sourceFile, names);
  }
  return names;
}

function propertyNameText(name) {
  return name && (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name))
    ? name.text
    : undefined;
}

/** True for declarations of a member of an interface, class or type literal. */
function isMemberDeclaration(node) {
  return (
    ts.isPropertySignature(node) ||
    ts.isMethodSignature(node) ||
    ts.isPropertyDeclaration(node) ||
    ts.isMethodDeclaration(node)
  );
}

/**
 * Where a member declared in a built declaration file sits: the top-level declaration it belongs to
 * (`value`: start from the type of the variable or function, else from the declared type of the
 * alias, interface or class) and the steps from that type down to the member. Undefined for places
 * not followed.
 */
function placeOf(declaration) {
  const steps = [];
  let child = declaration;
  let node = declaration.parent;
  while (node) {
    if (isMemberDeclaration(child)) {
      const name = propertyNameText(child.name);
      if (name === undefined) return undefined;
      steps.push({ property: name });
      if (ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node))
        return { top: node, value: false, steps: steps.reverse() };
      if (!ts.isTypeLiteralNode(node)) return undefined;
    } else if (
      ts.isTypeLiteralNode(node) ||
      ts.isParenthesizedTypeNode(node) ||
      ts.isNamedTupleMember(node) ||
      (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.ReadonlyKeyword)
    ) {
      // Transparent.
    } else if (ts.isTypeReferenceNode(node) || ts.isTupleTypeNode(node)) {
      const index = (ts.isTupleTypeNode(node) ? node.elements : (node.typeArguments ?? [])).indexOf(child);
      if (index === -1) return undefined;
      steps.push({ typeArgument: index });
    } else if (ts.isArrayTypeNode(node)) {
      steps.push({ element: true });
    } else if (ts.isUnionTypeNode(node) || ts.isIntersectionTypeNode(node)) {
      steps.push({ constituent: true });
    } else if (isMemberDeclaration(node) && node.type === child) {
      // A member's type: the member is the next step (taken above, with `child` the member).
      if (ts.isMethodSignature(node) || ts.isMethodDeclaration(node)) steps.push({ returnType: true });
    } else if (ts.isVariableDeclaration(node) && node.type === child) {
      return { top: node, value: true, steps: steps.reverse() };
    } else if (ts.isTypeAliasDeclaration(node) && node.type === child) {
      return { top: node, value: false, steps: steps.reverse() };
    } else if (ts.isFunctionDeclaration(node) && node.type === child) {
      steps.push({ returnType: true });
      return { top: node, value: true, steps: steps.reverse() };
    } else {
      return undefined;
    }
    child = node;
    node = node.parent;
  }
  return undefined;
}

const MAX_CANDIDATES = 64;

/** The non-nullish constituents of each type (a union stands for all of its members). */
function expandUnions(types) {
  return types
    .flatMap((type) => (type.isUnion() ? type.types : [type]))
    .filter((type) => !(type.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
}

/** What one step leads to from each of `types`: member symbols for a `property` step, else types. */
function takeStep(checker, types, step) {
  const expanded = expandUnions(types);
  if ('property' in step) return expanded.map((type) => checker.getPropertyOfType(type, step.property)).filter(Boolean);
  if ('typeArgument' in step) {
    return expanded
      .flatMap((type) => [
        type.aliasTypeArguments?.[step.typeArgument],
        type.objectFlags & ts.ObjectFlags.Reference ? checker.getTypeArguments(type)[step.typeArgument] : undefined,
      ])
      .filter(Boolean);
  }
  if ('element' in step)
    return expanded.map((type) => checker.getIndexTypeOfType(type, ts.IndexKind.Number)).filter(Boolean);
  if ('constituent' in step) return expanded.flatMap((type) => (type.isIntersection() ? type.types : [type]));
  if ('returnType' in step)
    return expanded.flatMap((type) => type.getCallSignatures().map((signature) => signature.getReturnType()));
  return [];
}

/**
 * The member symbols of a package's source program that a member of its built declaration file was
 * emitted from: the same export, then the same steps through the source types.
 */
function sourceSymbolsOf(context, declaration) {
  const file = declaration.getSourceFile();
  const source = file.isDeclarationFile ? sourceProgramOf(file.fileName) : undefined;
  const place = source && placeOf(declaration);
  if (!place) return undefined;
  const topSymbol = place.top.symbol ?? (place.top.name && context.checker.getSymbolAtLocation(place.top.name));
  const exportName = topSymbol && exportNamesOf(file, context.checker).get(topSymbol);
  const exported = exportName && source.exports.get(exportName);
  if (!exported) return undefined;
  const { checker } = source;
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  let types = [place.value ? checker.getTypeOfSymbol(symbol) : checker.getDeclaredTypeOfSymbol(symbol)];
  const last = place.steps.at(-1);
  for (const step of place.steps.slice(0, -1)) {
    const next = takeStep(checker, types, step);
    types = ('property' in step ? next.map((member) => checker.getTypeOfSymbol(member)) : next).slice(
      0,
      MAX_CANDIDATES,
    );
    if (types.length === 0) return undefined;
  }
  return { source, symbols: takeStep(checker, types, last).slice(0, MAX_CANDIDATES) };
}

/** The comment on one of the declarations of the symbol's origins, parsed by TypeDoc with `checker` resolving its links. */
function commentOfOrigins(context, symbol, checker, declarationsSeen, looked) {
  // TypeDoc's comment parser takes its checker from the context; a declaration of another program
  // needs that program's checker.
  const parsing = checker === context.checker ? context : Object.create(context, { checker: { value: checker } });
  for (const origin of originSymbols(symbol, checker)) {
    for (const declaration of origin.declarations ?? []) {
      if (!memberDeclarationKinds.has(declaration.kind) || declarationsSeen.has(declaration)) continue;
      declarationsSeen.add(declaration);
      looked?.push(describe(declaration));
      const comment = context.getNodeComment.call(parsing, declaration, false);
      if (comment) return comment;
    }
  }
  return undefined;
}

/**
 * The first comment on a declaration of the symbol's origins, parsed by TypeDoc; for a declaration in
 * a workspace package's built declaration file, the comment on the source it was emitted from.
 */
function originComment(context, symbol, looked) {
  const seen = new Set();
  const comment = commentOfOrigins(context, symbol, context.checker, seen, looked);
  if (comment) return comment;
  for (const declaration of [...seen]) {
    const found = sourceSymbolsOf(context, declaration);
    for (const sourceSymbol of found?.symbols ?? []) {
      const sourceComment = commentOfOrigins(context, sourceSymbol, found.source.checker, seen, looked);
      if (sourceComment) return sourceComment;
    }
  }
  return undefined;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  let documented = 0;
  app.converter.on(Converter.EVENT_BEGIN, () => {
    documented = 0;
  });
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (reflection.hasComment() || !isTypeLiteralMember(reflection)) return;
    const symbol = context.getSymbolFromReflection(reflection);
    if (!symbol) return;
    const looked = debug ? [] : undefined;
    const comment = originComment(context, symbol, looked);
    if (comment) {
      reflection.comment = comment;
      documented++;
      if (debug)
        app.logger.info(
          `member-comments: documented ${reflection.getFriendlyFullName()}: ${comment.summary
            .map((part) => part.text)
            .join('')
            .replaceAll('\n', ' ')}`,
        );
    } else if (debug) {
      app.logger.info(
        `member-comments: none for ${reflection.getFriendlyFullName()} [${looked.join('; ') || 'no declarations'}]`,
      );
    }
  });
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, () => {
    app.logger.verbose(
      `typedoc-plugin-member-comments: ${documented} expanded type members given their source comment`,
    );
  });
}
