#!/usr/bin/env node
// Writes templates/stripe/<event.type>.json for every event type in stripe-event-types.tsv.
//
// Each object starts from an example (examples/<type>.json when a reviewed one exists, else
// Stripe's OpenAPI example for the resource in stripe-openapi-fixtures3.json) and is then
// completed against the type stripe-node 23.1.0 declares for the event's data.object, read
// with the TypeScript compiler API: every required property present (null where nullable and
// the example has no value), no property the type does not declare, literals inside their
// union, expandable fields as ids. variants.json then makes the object fit its event.
// Ids and times become whk placeholders so every trigger gets fresh, consistent values.
//
// Usage: node scripts/stripe-catalog/generate.mjs [--check]
//   --check  write nothing; exit 1 and name the files that differ from what would be written.
// Needs tests/tsc/node_modules (`npm ci` in tests/tsc, which ./scripts/test does).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const tscDir = path.join(root, 'tests/tsc');
const outDir = path.join(root, 'templates/stripe');
const check = process.argv.includes('--check');

let ts;
try {
  ts = createRequire(path.join(tscDir, 'package.json'))('typescript');
} catch {
  console.error('generate.mjs: tests/tsc/node_modules is missing; run `npm ci` in tests/tsc first');
  process.exit(2);
}

const eventTypes = fs
  .readFileSync(path.join(here, 'stripe-event-types.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line && !line.startsWith('#'))
  .map((line) => line.split('\t')[0]);
const fixtures = JSON.parse(fs.readFileSync(path.join(here, 'stripe-openapi-fixtures3.json'), 'utf8')).resources;
const variants = JSON.parse(fs.readFileSync(path.join(here, 'variants.json'), 'utf8'));

// ---------------------------------------------------------------------------------------------
// The declarations, through the compiler: one probe file names each event's interface.
// Stripe.Event is the union of every v1 event interface; each is found by its `type` literal.
const probePath = path.join(tscDir, '__catalog_probe__.ts');
const probeText = "import Stripe from 'stripe';\nexport type AnyEvent = Stripe.Event;\n";
const options = {
  strict: true,
  noEmit: true,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ES2022,
  types: ['node'],
  typeRoots: [path.join(tscDir, 'node_modules/@types')],
};
const host = ts.createCompilerHost(options);
const readSource = host.getSourceFile.bind(host);
host.getSourceFile = (name, lang, ...rest) =>
  path.resolve(name) === probePath ? ts.createSourceFile(name, probeText, lang) : readSource(name, lang, ...rest);
const baseFileExists = host.fileExists.bind(host);
host.fileExists = (name) => path.resolve(name) === probePath || baseFileExists(name);
const program = ts.createProgram([probePath], options, host);
const checker = program.getTypeChecker();
const probe = program.getSourceFile(probePath);
const problems = ts.getPreEmitDiagnostics(program, probe);
if (problems.length) {
  for (const d of problems) console.error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  console.error('generate.mjs: the probe of stripe-node does not compile');
  process.exit(1);
}
const eventInterfaces = new Map();
for (const member of checker.getTypeAtLocation(probe.statements.find(ts.isTypeAliasDeclaration)).types) {
  const literal = checker.getTypeOfSymbol(checker.getPropertyOfType(member, 'type'));
  eventInterfaces.set(literal.value, member);
}
const undeclared = eventTypes.filter((t) => !eventInterfaces.has(t));
if (undeclared.length) {
  console.error(`generate.mjs: stripe-node declares no event interface for: ${undeclared.join(', ')}`);
  process.exit(1);
}

const propType = (type, name) => {
  const symbol = checker.getPropertyOfType(type, name);
  return symbol && checker.getTypeOfSymbol(symbol);
};
const docOf = (symbol) => ts.displayPartsToString(symbol.getDocumentationComment(checker));
const members = (type) => (type.isUnion() ? type.types : [type]);
const isNull = (t) => t.flags & ts.TypeFlags.Null;
const isUndefinedLike = (t) => t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Void);
const isStringLiteral = (t) => t.flags & ts.TypeFlags.StringLiteral;
const isBooleanLiteral = (t) => t.flags & ts.TypeFlags.BooleanLiteral;
const isObjectType = (t) => t.flags & ts.TypeFlags.Object;
const objectLiteralOf = (type) => {
  const object = propType(type, 'object');
  return object && isStringLiteral(object) ? object.value : undefined;
};

// ---------------------------------------------------------------------------------------------
// Id prefixes: learnt from the examples' own ids, so a resource's ids look like Stripe's.
const prefixByObject = new Map();
const knownPrefixes = new Set();
const idPattern = /^([a-z][a-z0-9]*(?:_[a-z0-9]+)*?)_(?:test_)?([A-Za-z0-9]{8,})$/;
const looksLikeId = (value) => {
  const m = idPattern.exec(value);
  return m && /[A-Z0-9]/.test(m[2]) ? m[1] : undefined;
};
(function learnPrefixes(value) {
  if (Array.isArray(value)) return value.forEach(learnPrefixes);
  if (value && typeof value === 'object') {
    if (typeof value.id === 'string' && typeof value.object === 'string') {
      const prefix = looksLikeId(value.id);
      if (prefix) {
        knownPrefixes.add(prefix);
        if (!prefixByObject.has(value.object)) prefixByObject.set(value.object, prefix);
      }
    }
    Object.values(value).forEach(learnPrefixes);
  }
})(fixtures);
for (const [object, prefix] of Object.entries(variants.id_prefixes)) {
  prefixByObject.set(object, prefix);
  knownPrefixes.add(prefix);
}

// ---------------------------------------------------------------------------------------------
// Times: a number the declaration documents as Unix seconds becomes a {{now…}} placeholder,
// placed by what the field means so created <= event time and starts come before ends.
const timeNames = /(^|_)(created|date|start|end|anchor|deadline|time|timestamp|by|after)$|_at$|^next_payment_attempt$|^next_pending_invoice_item_invoice$/;
const isTimeProperty = (symbol) =>
  /Unix epoch|Unix timestamp|seconds since/i.test(docOf(symbol)) || timeNames.test(symbol.name);
const timeFor = (name) => {
  for (const [pattern, placeholder] of variants.times) if (new RegExp(pattern).test(name)) return placeholder;
  return '{{now-1h}}';
};

// ---------------------------------------------------------------------------------------------
// Building a value of a declared type from an example value (or none).
const fillerString = (name) => {
  // A plain string field named for a resource holds that resource's id.
  if (name === 'account') return '{{account}}';
  const prefix = prefixByObject.get(name) ?? prefixByObject.get(name.replace(/_/g, ''));
  if (prefix) return `{{id:${prefix}}}`;
  for (const [pattern, value] of variants.strings) if (new RegExp(pattern).test(name)) return value;
  return '';
};

const fillerNumber = (name) => {
  for (const [pattern, value] of variants.numbers) if (new RegExp(pattern).test(name)) return value;
  return 1;
};

function idFor(objectMembers) {
  for (const m of objectMembers) {
    const object = objectLiteralOf(m);
    if (object === 'account') return '{{account}}';
    const prefix = object && prefixByObject.get(object);
    if (prefix) return `{{id:${prefix}}}`;
  }
  return undefined;
}

// stripe-node 23 declares decimal fields as its Decimal class, which it builds from the wire's
// decimal string only for API responses, not for webhook events. Such a field is null where the
// type allows it, an object that needs one is null where allowed, and a required top-level one
// keeps Stripe's decimal string (the one mismatch the type check in tests/stripe_types.rs allows).
class Unrepresentable extends Error {}
// Set while a finished object is checked again: then a value that does not fit is an error,
// not something to replace (variants.json is data a person wrote).
let strictValues = false;
function buildStrict(type, value, name) {
  strictValues = true;
  try {
    return build(type, value, name, 0);
  } finally {
    strictValues = false;
  }
}
const isDecimal = (t) => checker.typeToString(t) === 'Decimal';

function build(type, example, name, depth, symbol) {
  if (depth > 14) throw new Error(`${name}: nesting too deep`);
  try {
    return buildUnchecked(type, example, name, depth, symbol);
  } catch (error) {
    if (error instanceof Unrepresentable && members(type).some(isNull)) return null;
    throw error;
  }
}

function buildUnchecked(type, example, name, depth, symbol) {
  if (members(type).some(isDecimal)) {
    if (members(type).some(isNull)) return null;
    if (depth === 1 && typeof example === 'string') return example;
    throw new Unrepresentable(name);
  }
  const all = members(type);
  const nullable = all.some(isNull);
  const candidates = all.filter((t) => !isNull(t) && !isUndefinedLike(t));
  const literals = candidates.filter(isStringLiteral).map((t) => t.value);
  const hasString = candidates.some((t) => t.flags & ts.TypeFlags.String);
  const hasNumber = candidates.some((t) => t.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral));
  const booleans = candidates.filter(isBooleanLiteral);
  const objects = candidates.filter(isObjectType);
  const arrays = objects.filter((t) => checker.isArrayType(t));
  const records = objects.filter((t) => !checker.isArrayType(t));

  if (example === null && nullable) return null;
  // A reviewed example may already hold a whk placeholder for a number or boolean.
  if (typeof example === 'string' && example.startsWith('{{') && (hasNumber || booleans.length)) return example;
  // Stripe's examples echo a field's name for strings they have no value for ("currency":
  // "currency", "subscription": "subscription"): no value then, and an expandable field gets an id.
  if (typeof example === 'string' && example === name) example = undefined;
  if (typeof example === 'string' && hasString && records.some(objectLiteralOf) && !looksLikeId(example) && !example.includes('{{')) {
    example = undefined;
  }
  if (typeof example === 'string' && (hasString || literals.includes(example))) return example;
  if (typeof example === 'number' && hasNumber) {
    if (symbol && isTimeProperty(symbol)) return timeFor(name);
    // Stripe's examples fill numbers they have no value for with random ones of seven to ten digits.
    return example >= 1e6 ? fillerNumber(name) : example;
  }
  if (typeof example === 'boolean' && booleans.length) {
    if (name === 'livemode') return '{{livemode}}';
    if (booleans.some((t) => checker.typeToString(t) === String(example))) return example;
  }
  if (Array.isArray(example) && arrays.length) {
    const element = checker.getTypeArguments(arrays[0])[0];
    return example.map((item) => build(element, item, name, depth + 1));
  }
  // An expandable field (an id or the object) is never expanded in an event: Stripe sends the id.
  if (example && typeof example === 'object' && !Array.isArray(example) && hasString && records.some(objectLiteralOf)) {
    const own = typeof example.id === 'string' && (looksLikeId(example.id) || example.id.includes('{{')) ? example.id : undefined;
    const object = records.find((t) => objectLiteralOf(t) === example.object);
    return own ?? idFor(object ? [object] : records) ?? fillerString(name);
  }
  if (example && typeof example === 'object' && !Array.isArray(example) && records.length) {
    const chosen = records.find((t) => objectLiteralOf(t) === example.object) ?? records[0];
    return buildObject(chosen, example, depth + 1, name);
  }

  // No usable example: null where allowed, else the plainest value the type accepts.
  if (strictValues && example !== undefined) {
    throw new Error(`${name}: ${JSON.stringify(example)} is not a ${checker.typeToString(type)}`);
  }
  if (nullable) return null;
  if (hasString) {
    const id = records.length ? idFor(records) : undefined;
    return id ?? fillerString(name);
  }
  if (literals.length) return literals[0];
  if (hasNumber) return symbol && isTimeProperty(symbol) ? timeFor(name) : 0;
  if (booleans.length) return name === 'livemode' ? '{{livemode}}' : false;
  if (arrays.length) return [];
  if (records.length) return buildObject(records[0], undefined, depth + 1, name);
  throw new Error(`${name}: cannot build a ${checker.typeToString(type)}`);
}

const missingPrefixes = new Set();
function buildObject(objectType, example, depth, name) {
  const out = {};
  const properties = checker.getPropertiesOfType(objectType);
  if (properties.length === 0) {
    // An index signature (metadata and the like): the example's entries, each built as the
    // signature's value type. Stripe's examples carry a stray "undefined" key in some of them.
    const valueType = checker.getIndexTypeOfType(objectType, ts.IndexKind.String);
    if (!example || typeof example !== 'object' || !valueType) return {};
    return Object.fromEntries(
      Object.entries(example)
        .filter(([key]) => key !== 'undefined')
        .map(([key, value]) => [key, build(valueType, value, key, depth)]),
    );
  }
  if (strictValues && example) {
    const undeclared = Object.keys(example).filter((key) => !properties.some((p) => p.name === key));
    if (undeclared.length) throw new Error(`${undeclared.join(', ')}: not declared on ${checker.typeToString(objectType)}`);
  }
  for (const symbol of properties) {
    const property = symbol.name;
    const type = checker.getTypeOfSymbol(symbol);
    const optional = symbol.flags & ts.SymbolFlags.Optional;
    const onlyUndefined = members(type).every(isUndefinedLike);
    if (onlyUndefined) continue;
    const has = example && Object.prototype.hasOwnProperty.call(example, property);
    // Optional properties are the ones Stripe sends only when asked (includable lists) or
    // only in some states; keep them when the example shows them.
    if (optional && !has) continue;
    // An object's own id needs its resource's prefix; some examples carry a stand-in ("obj_123").
    const ownId = has && typeof example.id === 'string' && !/^[a-z]+_123$/.test(example.id);
    if (property === 'id' && !ownId && members(type).some((t) => t.flags & ts.TypeFlags.String)) {
      // A resource's prefix, or for an object nested without `object`, the one named for its field.
      const owner = objectLiteralOf(objectType) ?? `${name}`;
      if (owner === 'account') {
        out.id = '{{account}}';
        continue;
      }
      const prefix = prefixByObject.get(owner) ?? variants.nested_ids[owner];
      if (!prefix) missingPrefixes.add(`${owner} (${checker.typeToString(objectType)})`);
      out.id = `{{id:${prefix}}}`;
      continue;
    }
    out[property] = build(type, has ? example[property] : undefined, property, depth, symbol);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Ids to placeholders: the first distinct id of a prefix is {{id:P}}, the next {{id:P#2}}, …
// so values the example shares stay shared and distinct ones stay distinct.
function placeholderIds(value, seen) {
  const idPlaceholder = (id) => {
    const prefix = looksLikeId(id);
    if (!prefix || !knownPrefixes.has(prefix)) return undefined;
    if (prefix === 'acct') return '{{account}}';
    if (!seen.has(id)) {
      const count = [...seen.values()].filter((p) => p.startsWith(`{{id:${prefix}}`) || p.startsWith(`{{id:${prefix}#`)).length;
      seen.set(id, count === 0 ? `{{id:${prefix}}}` : `{{id:${prefix}#${count + 1}}}`);
    }
    return seen.get(id);
  };
  if (Array.isArray(value)) return value.map((v) => placeholderIds(v, seen));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, placeholderIds(v, seen)]));
  }
  if (typeof value !== 'string' || value.includes('{{')) return value;
  const whole = idPlaceholder(value);
  if (whole) return whole;
  const secret = /^([a-z]+_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/.exec(value);
  if (secret && idPlaceholder(secret[1])) return `${idPlaceholder(secret[1])}_secret_{{rand:24}}`;
  return value.replace(/[a-z][a-z0-9_]*_[A-Za-z0-9]{8,}/g, (match) => idPlaceholder(match) ?? match);
}

// Stripe's examples were recorded on its internal development hosts; each service's URLs move
// to the public host that serves them (variants.json hosts).
function publicUrls(value) {
  if (Array.isArray(value)) return value.map(publicUrls);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, publicUrls(v)]));
  if (typeof value !== 'string') return value;
  return value.replace(/https:\/\/[a-z0-9-]+--([a-z_]+)-mydev\.dev\.stripe\.me/g, (url, service) => {
    const host = variants.hosts[service];
    if (!host) throw new Error(`no public host for Stripe's ${service} service (${url}): add it to variants.json hosts`);
    return `https://${host}`;
  });
}

// Stripe renders `id`, `object`, then the rest alphabetically, at every level.
function ordered(value) {
  if (Array.isArray(value)) return value.map(ordered);
  if (!value || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, ordered(value[k])]));
}
const rank = (key) => (key === 'id' ? 0 : key === 'object' ? 1 : 2);

// ---------------------------------------------------------------------------------------------
// Variants: dotted paths set on the object; {"$copy": "path"} takes another field's value.
function getPath(object, dotted) {
  return dotted.split('.').reduce((v, k) => (v == null ? undefined : v[k]), object);
}
function setPath(object, dotted, value, type, event) {
  const keys = dotted.split('.');
  let target = object;
  for (const key of keys.slice(0, -1)) {
    if (target[key] === null || target[key] === undefined) {
      throw new Error(`variants.json ${event}: ${dotted}: ${key} is null in the object; set it as a whole`);
    }
    target = target[key];
  }
  const last = keys[keys.length - 1];
  if (!(last in target) && !typeAtPath(type, keys)) {
    throw new Error(`variants.json ${event}: ${dotted} is not a property stripe-node declares`);
  }
  target[last] = value;
}
function typeAtPath(type, keys) {
  let t = type;
  for (const key of keys) {
    const array = /^\d+$/.test(key) && members(t).find((m) => isObjectType(m) && checker.isArrayType(m));
    if (array) {
      t = checker.getTypeArguments(array)[0];
      continue;
    }
    const object = members(t).find((m) => isObjectType(m) && checker.getPropertyOfType(m, key));
    if (!object) return undefined;
    t = propType(object, key);
  }
  return t;
}
function fits(type, value) {
  try {
    buildStrict(type, value, '');
    return true;
  } catch {
    return false;
  }
}
const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !('$copy' in v) && !('$remove' in v);
// An old value laid over the current one, field by field where the type declares fields (a
// record such as metadata is replaced whole).
function overlay(type, current, old) {
  const record = type && members(type).find((m) => isObjectType(m) && !checker.isArrayType(m));
  if (!record || checker.getPropertiesOfType(record).length === 0 || !isPlainObject(current) || !isPlainObject(old)) return old;
  const keys = [...new Set([...Object.keys(current), ...Object.keys(old)])];
  return Object.fromEntries(keys.map((k) => [k, k in old ? overlay(propType(record, k), current[k], old[k]) : current[k]]));
}
const resolve = (object, value) =>
  value && typeof value === 'object' && '$copy' in value ? getPath(object, value.$copy) : value;

function matchingVariants(event) {
  const glob = (pattern) => new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.]/g, '\\.')).join('.*') + '$');
  const byPattern = variants.patterns.filter((p) => glob(p.match).test(event));
  return [...byPattern, ...(variants.events[event] ? [variants.events[event]] : [])];
}

// ---------------------------------------------------------------------------------------------
const jsdoc = (event) => {
  const symbol = eventInterfaces.get(event).getSymbol() ?? eventInterfaces.get(event).aliasSymbol;
  return docOf(symbol).replace(/\s+/g, ' ').trim();
};

function templateFor(event) {
  const eventType = eventInterfaces.get(event);
  const dataType = propType(eventType, 'data');
  const objectType = propType(dataType, 'object');
  // A resource that is a union (a customer source: card, bank account or source) is its first
  // member unless the event's variant names another (`object`).
  const objectName = variants.events[event]?.object ?? members(objectType).map(objectLiteralOf).find(Boolean);
  const examplePath = path.join(here, 'examples', `${event}.json`);
  const example = fs.existsSync(examplePath)
    ? JSON.parse(fs.readFileSync(examplePath, 'utf8'))
    : fixtures[objectName] ?? {}; // a resource Stripe gives no example for is built from its type alone

  const seen = new Map();
  let object = build(objectType, example, '', 0);
  placeholderIds(object.id, seen); // the object's own id first, so it gets the plain {{id:P}}
  object = publicUrls(placeholderIds(object, seen));

  let previous;
  const own = variants.events[event];
  for (const variant of matchingVariants(event)) {
    // A pattern that describes a change (sets fields and their old values) gives way to an
    // event's own description of what changed.
    if (variant !== own && variant.previous_attributes && own?.previous_attributes) continue;
    const applied = new Set();
    for (const [dotted, value] of Object.entries(variant.set ?? {})) {
      if (value && typeof value === 'object' && value.$remove) {
        const keys = dotted.split('.');
        const parent = keys.length > 1 ? getPath(object, keys.slice(0, -1).join('.')) : object;
        if (parent && typeof parent === 'object') delete parent[keys[keys.length - 1]];
        continue;
      }
      const resolved = resolve(object, value);
      // A pattern's value applies only where the resource's type allows it (status values differ).
      if (variant.if_allowed) {
        const declared = typeAtPath(objectType, dotted.split('.'));
        if (!declared || !fits(declared, resolved)) continue;
      }
      setPath(object, dotted, resolved, objectType, event);
      applied.add(dotted.split('.')[0]);
    }
    if (variant.previous_attributes) {
      // Partial<T> is shallow: an old nested object must be as complete as the current one,
      // so the variant's old fields are laid over the current value and built like it.
      previous = Object.fromEntries(
        Object.entries(variant.previous_attributes)
          // A pattern's old value goes with its new one: only where that was set.
          .filter(([key]) => !variant.if_allowed || applied.has(key))
          .map(([key, value]) => {
            const symbol = checker.getPropertyOfType(members(objectType).find(isObjectType), key);
            if (!symbol) throw new Error(`variants.json ${event}: previous_attributes.${key} is not a property stripe-node declares`);
            const old = overlay(checker.getTypeOfSymbol(symbol), object[key], resolve(object, value));
            return [key, build(checker.getTypeOfSymbol(symbol), old, key, 1, symbol)];
          }),
      );
    }
  }
  try {
    object = buildStrict(objectType, object, '');
  } catch (error) {
    throw new Error(`variants.json ${event}: ${error.message}`);
  }
  if (previous && Object.keys(previous).length === 0) previous = undefined;
  for (const [key, old] of Object.entries(previous ?? {})) {
    if (JSON.stringify(old) === JSON.stringify(object[key])) {
      throw new Error(`variants.json ${event}: previous_attributes.${key} equals the current value`);
    }
  }

  const template = { description: jsdoc(event), object: objectName, data: ordered(object) };
  if (previous) template.previous_attributes = ordered(previous);
  if (causedByApiRequest(event)) template.api_request = true;
  if (variants.connect_only.match.includes(event)) template.connect_only = true;
  return JSON.stringify(template, null, 2) + '\n';
}

/** Whether an API request causes the event, by variants.json `api_request` (except, then match). */
function causedByApiRequest(event) {
  const glob = (pattern) => new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.]/g, '\\.')).join('.*') + '$');
  const rules = variants.api_request;
  if (rules.except.some((pattern) => glob(pattern).test(event))) return false;
  return rules.match.some((pattern) => glob(pattern).test(event));
}

const stale = [];
const texts = new Map(eventTypes.map((event) => [event, templateFor(event)]));
if (missingPrefixes.size) {
  console.error(`generate.mjs: no id prefix known for: ${[...missingPrefixes].join(', ')}; add them to variants.json id_prefixes`);
  process.exit(1);
}
const written = new Set();
for (const event of eventTypes) {
  const file = path.join(outDir, `${event}.json`);
  const text = texts.get(event);
  written.add(`${event}.json`);
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (current === text) continue;
  if (check) stale.push(path.relative(root, file));
  else fs.writeFileSync(file, text);
}
for (const file of fs.readdirSync(outDir)) {
  if (file.endsWith('.json') && !written.has(file)) {
    if (check) stale.push(`${path.relative(root, path.join(outDir, file))} (not a Stripe event type)`);
    else fs.unlinkSync(path.join(outDir, file));
  }
}
if (check && stale.length) {
  console.error(`generate.mjs: ${stale.length} Stripe template(s) differ from what the generator writes:`);
  for (const file of stale) console.error(`  ${file}`);
  console.error('run `node scripts/stripe-catalog/generate.mjs` and commit the result');
  process.exit(1);
}
if (!check) console.error(`generate.mjs: wrote ${eventTypes.length} templates to ${path.relative(root, outDir)}`);
