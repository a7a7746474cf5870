// Reads a TypeScript script on stdin and prints the parameters of its exported main() as JSON,
// with the TypeScript compiler API (parse only: nothing is type-checked, emitted or executed).
//   {"ok": true, "description": ..., "parameters": [{"name", "schema", "optional"}]}
//   {"error": {"message", "line", "column"}}  (line and column are 1-based)
//   {"missing": true}                           (no exported main)
// Types map by their spelling; aliases, interfaces and enums declared in the same file are
// followed (object types keep their name as "title" and their member order as "x-order");
// `Resource<"postgresql">` (a global type of the runner, no import) is a resource of that
// type; anything else is unconstrained ({}) with its source text as "x-annotation".
"use strict";
const fs = require("fs");
const ts = require("typescript");

const K = ts.SyntaxKind;
const KEYWORDS = {
  [K.NumberKeyword]: { type: "number" }, [K.StringKeyword]: { type: "string" },
  [K.BooleanKeyword]: { type: "boolean" }, [K.BigIntKeyword]: { type: "integer" },
  [K.ObjectKeyword]: { type: "object" }, [K.AnyKeyword]: {}, [K.UnknownKeyword]: {},
};
const NO_VALUE = Symbol("no literal value");

function main() {
  const source = fs.readFileSync(0, "utf8");
  const file = ts.createSourceFile("script.ts", source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const { diagnostics } = ts.transpileModule(source, { reportDiagnostics: true, fileName: "script.ts" });
  const syntax = (diagnostics || []).find((d) => d.file && d.start !== undefined);
  if (syntax) return { error: position(file, syntax.start, ts.flattenDiagnosticMessageText(syntax.messageText, "\n")) };
  const found = findMain(file);
  if (!found) return { missing: true };
  const declarations = localDeclarations(file);
  const parameters = found.fn.parameters.filter((p) => !p.dotDotDotToken).map((p, i) => parameter(p, i, declarations));
  return { ok: true, description: jsDocSummary(found.docNode), parameters };
}

function position(file, offset, message) {
  const { line, character } = file.getLineAndCharacterOfPosition(offset);
  return { message, line: line + 1, column: character + 1 };
}

/** Exported by name: `export default function main` is not reachable as `main`. */
function isExported(node) {
  const kinds = (ts.getModifiers?.(node) ?? node.modifiers ?? []).map((m) => m.kind);
  return kinds.includes(K.ExportKeyword) && !kinds.includes(K.DefaultKeyword);
}

/** The exported main: `export function main`, `export const main = (...) =>`, or `export { main }`. */
function findMain(file) {
  const named = new Set();
  for (const statement of file.statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) {
        if (element.name.text === "main") named.add((element.propertyName || element.name).text);
      }
    }
  }
  let found = null;
  for (const statement of file.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) {
      const local = statement.name.text;
      if ((local === "main" && isExported(statement)) || named.has(local)) found = { fn: statement, docNode: statement };
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const local = ts.isIdentifier(declaration.name) ? declaration.name.text : "";
        const init = declaration.initializer;
        const callable = init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init));
        if (callable && ((local === "main" && isExported(statement)) || named.has(local))) found = { fn: init, docNode: statement };
      }
    }
  }
  return found;
}

function localDeclarations(file) {
  const declarations = new Map();
  for (const statement of file.statements) {
    if ((ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isEnumDeclaration(statement))
        && !declarations.has(statement.name.text)) {
      declarations.set(statement.name.text, statement);
    }
  }
  return declarations;
}

function parameter(p, index, declarations) {
  const name = ts.isIdentifier(p.name) ? p.name.text : `arg${index + 1}`;
  const initial = p.initializer ? literal(p.initializer) : NO_VALUE;
  let schema = p.type ? typeSchema(p.type, declarations, new Set()) : inferred(p.initializer);
  let optional = Boolean(p.questionToken || p.initializer);
  if (schema["x-undefined"]) {
    optional = true;
    delete schema["x-undefined"];
  }
  if (initial !== NO_VALUE) {
    if (initial === null) schema = nullable(schema);
    schema.default = initial;
  }
  const doc = ts.getJSDocParameterTags(p).map((tag) => ts.getTextOfJSDocComment(tag.comment)).find(Boolean);
  if (doc) schema.description = doc.replace(/^-\s*/, "").replace(/\s+/g, " ").trim();
  return { name, schema, optional };
}

function jsDocSummary(node) {
  const doc = ts.getJSDocCommentsAndTags(node).find((d) => ts.isJSDoc(d));
  const text = doc ? ts.getTextOfJSDocComment(doc.comment) : "";
  return (text || "").replace(/\s+/g, " ").trim() || null;
}

/** JSON Schema for a type node; a union with `undefined` is marked "x-undefined" (optional). */
function typeSchema(node, declarations, seen) {
  const recur = (child) => typeSchema(child, declarations, seen);
  if (KEYWORDS[node.kind]) return { ...KEYWORDS[node.kind] };
  switch (node.kind) {
    case K.ParenthesizedType: case K.OptionalType: return recur(node.type);
    case K.LiteralType: return literalTypeSchema(node.literal);
    case K.UndefinedKeyword: return { "x-undefined": true };
    case K.ArrayType: return arraySchema(recur(node.elementType));
    case K.TypeOperator: return node.operator === K.ReadonlyKeyword ? recur(node.type) : annotation(node);
    case K.TupleType: return tupleSchema(node, recur);
    case K.UnionType: return unionSchema(node.types.map(recur));
    case K.IntersectionType: return { allOf: node.types.map(recur) };
    case K.TypeLiteral: return objectSchema(node.members, recur);
    case K.TypeReference: return referenceSchema(node, declarations, seen, recur);
    default: return annotation(node);
  }
}

function literalTypeSchema(literal) {
  if (literal.kind === K.NullKeyword) return { type: "null" };
  const value = literal.kind === K.TrueKeyword ? true : literal.kind === K.FalseKeyword ? false : literalValue(literal);
  if (value === NO_VALUE) return annotation(literal);
  return { type: typeof value === "string" ? "string" : typeof value === "boolean" ? "boolean" : "number", enum: [value] };
}

function arraySchema(items) {
  return Object.keys(items).length ? { type: "array", items } : { type: "array" };
}

function tupleSchema(node, recur) {
  const prefixItems = node.elements.map((e) => recur(ts.isNamedTupleMember(e) ? e.type : e));
  const required = node.elements.filter((e) => !ts.isOptionalTypeNode(e) && !(ts.isNamedTupleMember(e) && e.questionToken)).length;
  return { type: "array", prefixItems, minItems: required, maxItems: prefixItems.length };
}

function unionSchema(members) {
  const undefinedToo = members.some((m) => m["x-undefined"]);
  const values = members.filter((m) => !m["x-undefined"]);
  const nullToo = values.some((m) => m.type === "null" && !m.enum);
  const rest = values.filter((m) => !(m.type === "null" && !m.enum));
  let schema;
  if (rest.length === 0) schema = nullToo ? { type: "null" } : {};
  else if (rest.every((m) => m.enum)) schema = enumSchema(rest.flatMap((m) => m.enum));
  else if (rest.length === 1) schema = rest[0];
  else schema = rest.every((m) => Object.keys(m).length) ? { anyOf: rest } : {};
  if (nullToo && rest.length) schema = nullable(schema);
  if (undefinedToo) schema["x-undefined"] = true;
  return schema;
}

function enumSchema(values) {
  const unique = [...new Set(values)];
  if (unique.length === 2 && unique.includes(true) && unique.includes(false)) return { type: "boolean" };
  const types = [...new Set(unique.map((v) => (typeof v === "string" ? "string" : typeof v === "boolean" ? "boolean" : "number")))];
  return { type: types.length === 1 ? types[0] : types, enum: unique };
}

function nullable(schema) {
  if (!Object.keys(schema).length) return schema;
  const copy = { ...schema };
  if (copy.type) copy.type = [].concat(copy.type).includes("null") ? copy.type : [].concat(copy.type, "null");
  if (copy.enum && !copy.enum.includes(null)) copy.enum = [...copy.enum, null];
  if (copy.anyOf) copy.anyOf = [...copy.anyOf, { type: "null" }];
  if (!copy.type && !copy.anyOf) return { anyOf: [copy, { type: "null" }] };
  return copy;
}

function objectSchema(members, recur) {
  const schema = { type: "object", properties: {} };
  const required = [];
  for (const member of members) {
    if (ts.isPropertySignature(member) && member.name && (ts.isIdentifier(member.name) || ts.isStringLiteral(member.name))) {
      const property = member.type ? recur(member.type) : {};
      const optional = Boolean(member.questionToken || property["x-undefined"]);
      delete property["x-undefined"];
      schema.properties[member.name.text] = property;
      if (!optional) required.push(member.name.text);
    } else if (ts.isIndexSignatureDeclaration(member) && member.type) {
      schema.additionalProperties = recur(member.type);
    }
  }
  if (required.length) schema.required = required;
  schema["x-order"] = Object.keys(schema.properties);
  return schema;
}

function referenceSchema(node, declarations, seen, recur) {
  const name = node.typeName.getText();
  const args = node.typeArguments || [];
  if ((name === "Array" || name === "ReadonlyArray") && args.length === 1) return arraySchema(recur(args[0]));
  if (name === "Record" && args.length === 2) return recordSchema(recur(args[0]), recur(args[1]));
  if (name === "Date") return { type: "string", format: "date-time" };
  if (name === "Resource" && args.length === 1) return resourceSchema(args[0]) || annotation(node);
  const declaration = declarations.get(name);
  // a type that refers to itself is followed once: the inner reference stays unconstrained
  if (!declaration || seen.has(name) || args.length) return annotation(node);
  seen = new Set(seen).add(name);
  const inner = (child) => typeSchema(child, declarations, seen);
  if (ts.isTypeAliasDeclaration(declaration)) return titled(inner(declaration.type), name);
  if (ts.isInterfaceDeclaration(declaration)) return titled(objectSchema(declaration.members, inner), name);
  return enumDeclarationSchema(declaration) || annotation(node);
}

/** `Resource<"postgresql">`: a resource of that type, picked in the form by its path. */
function resourceSchema(argument) {
  if (!ts.isLiteralTypeNode(argument) || !ts.isStringLiteral(argument.literal)) return null;
  return { type: "object", format: `resource-${argument.literal.text}` };
}

/** An object type declared by name keeps the name as its title (the form's legend). */
function titled(schema, name) {
  return schema.type === "object" && schema.properties && !schema.title ? { type: "object", title: name, ...schema } : schema;
}

function recordSchema(keys, values) {
  if (keys.enum && keys.enum.every((k) => typeof k === "string")) {
    const properties = Object.fromEntries(keys.enum.map((k) => [k, values]));
    return { type: "object", properties, required: keys.enum };
  }
  return Object.keys(values).length ? { type: "object", additionalProperties: values } : { type: "object" };
}

function enumDeclarationSchema(declaration) {
  const values = [];
  let next = 0;
  for (const member of declaration.members) {
    const value = member.initializer ? literal(member.initializer) : next;
    if (value === NO_VALUE || value === null || typeof value === "object") return null;
    values.push(value);
    if (typeof value === "number") next = value + 1;
  }
  return enumSchema(values);
}

function inferred(initializer) {
  const value = initializer ? literal(initializer) : NO_VALUE;
  if (value === NO_VALUE || value === null) return {};
  if (Array.isArray(value)) return { type: "array" };
  return { type: typeof value === "object" ? "object" : typeof value === "string" ? "string" : typeof value === "boolean" ? "boolean" : "number" };
}

/** The JSON value of a literal expression, or NO_VALUE when it is computed. */
function literal(node) {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression?.(node)) return literal(node.expression);
  if (node.kind === K.TrueKeyword) return true;
  if (node.kind === K.FalseKeyword) return false;
  if (node.kind === K.NullKeyword) return null;
  if (ts.isArrayLiteralExpression(node)) {
    const items = node.elements.map(literal);
    return items.includes(NO_VALUE) ? NO_VALUE : items;
  }
  if (ts.isObjectLiteralExpression(node)) {
    const entries = node.properties.map((p) => (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))
      ? [p.name.text, literal(p.initializer)] : [null, NO_VALUE]));
    return entries.some(([, v]) => v === NO_VALUE) ? NO_VALUE : Object.fromEntries(entries);
  }
  return literalValue(node);
}

function literalValue(node) {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isPrefixUnaryExpression(node) && node.operator === K.MinusToken && ts.isNumericLiteral(node.operand)) return -Number(node.operand.text);
  return NO_VALUE;
}

function annotation(node) {
  return { "x-annotation": node.getText() };
}

process.stdout.write(JSON.stringify(main()) + "\n");
