#!/usr/bin/env node
// Type-checks every Stripe event whk generates against stripe-node's own declarations.
//
// Usage: node tests/tsc/typecheck.mjs WHK_BINARY [--account ACCT]...
//
// For each event type in scripts/stripe-catalog/stripe-event-types.tsv, runs
// `WHK trigger TYPE --provider stripe --print` (once plainly and once per --account), and writes
// the bodies as object literals typed as their event interface (`Stripe.<Name>Event`, found by its
// `type` literal in the declarations) into one .ts file; then `tsc --strict --noEmit` judges them, with
// excess-property checks on, so a missing, invented or wrongly typed field is an error.
// Three negative controls (an extra field, a missing one, a wrong literal) must each fail, or
// the check proves nothing. Prints one JSON summary line on stdout; exit 1 when any event fails.
//
// One mismatch is allowed and counted apart: stripe-node 23 declares a few decimal fields as its
// Decimal class, which it builds from the wire's decimal string for API responses but not for
// webhook events, so Stripe's own string cannot satisfy the type (Climate.Order.metric_tons).
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const [whk, ...rest] = process.argv.slice(2);
if (!whk) {
  console.error('usage: node tests/tsc/typecheck.mjs WHK_BINARY [--account ACCT]...');
  process.exit(2);
}
const accounts = [];
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--account' && rest[i + 1]) accounts.push(rest[++i]);
  else {
    console.error(`typecheck.mjs: unexpected argument ${rest[i]}`);
    process.exit(2);
  }
}
const tsc = path.join(here, 'node_modules/typescript/bin/tsc');
if (!fs.existsSync(tsc)) {
  console.error('typecheck.mjs: tests/tsc/node_modules is missing; run `npm ci` in tests/tsc');
  process.exit(2);
}

// Each type's interface name (Stripe.InvoicePaidEvent…), read from the declarations: Stripe.Event is
// the union of every v1 event interface, each with its `type` literal.
const interfaceNames = (() => {
  const ts = createRequire(path.join(here, 'package.json'))('typescript');
  const probe = path.join(here, '__typecheck_probe__.ts');
  const options = { strict: true, noEmit: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, types: [] };
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    path.resolve(name) === probe ? ts.createSourceFile(name, "import Stripe from 'stripe';\nexport type All = Stripe.Event;\n", lang) : read(name, lang, ...rest);
  const exists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === probe || exists(name);
  const program = ts.createProgram([probe], options, host);
  const checker = program.getTypeChecker();
  const all = checker.getTypeAtLocation(program.getSourceFile(probe).statements.find(ts.isTypeAliasDeclaration));
  return new Map(all.types.map((t) => [checker.getTypeOfSymbol(checker.getPropertyOfType(t, 'type')).value, t.getSymbol().name]));
})();

const eventTypes = fs
  .readFileSync(path.join(root, 'scripts/stripe-catalog/stripe-event-types.tsv'), 'utf8')
  .split('\n')
  .filter((line) => line && !line.startsWith('#'))
  .map((line) => line.split('\t')[0]);

function generate(type, account) {
  const args = ['trigger', type, '--provider', 'stripe', '--print', '--forward-to', '127.0.0.1:9'];
  if (account) args.push('--account', account);
  const printed = execFileSync(whk, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  // --print shows the request: headers, a blank line, then the body.
  const body = printed.slice(printed.search(/\r?\n\r?\n/)).trim();
  const event = JSON.parse(body);
  if (event.type !== type) throw new Error(`whk trigger ${type} printed an event of type ${event.type}`);
  if (account && event.account !== account) throw new Error(`whk trigger ${type} --account ${account}: account is ${event.account}`);
  return event;
}

const cases = [];
for (const type of eventTypes) {
  cases.push({ label: type, type, event: generate(type, undefined) });
  for (const account of accounts) cases.push({ label: `${type} --account ${account}`, type, event: generate(type, account) });
}

// Negative controls, each built from a real event: they must fail, or the check is blind.
const sample = (type) => structuredClone(cases.find((c) => c.type === type).event);
const extra = sample('invoice.paid');
extra.data.object.whk_invented_field = 1;
const missing = sample('customer.subscription.deleted');
delete missing.data.object.status;
// Most of stripe-node's string enums are open (`| OtherString`); `object` is a closed literal.
const wrongLiteral = sample('checkout.session.completed');
wrongLiteral.data.object.object = 'checkout_session';
const controls = [
  { label: 'control: planted extra field', type: 'invoice.paid', event: extra },
  { label: 'control: missing field', type: 'customer.subscription.deleted', event: missing },
  { label: 'control: wrong literal', type: 'checkout.session.completed', event: wrongLiteral },
];

const outDir = fs.mkdtempSync(path.join(here, '.out-'));
const write = (file, list) => {
  let text = "import Stripe from 'stripe';\n";
  const starts = [];
  list.forEach((c, i) => {
    starts.push(text.split('\n').length);
    const name = interfaceNames.get(c.type);
    if (!name) throw new Error(`stripe-node declares no event interface for ${c.type}`);
    text += `// ${c.label}\nexport const event${i}: Stripe.${name} = ${JSON.stringify(c.event, null, 2)};\n`;
  });
  fs.writeFileSync(path.join(outDir, file), text);
  return starts;
};
const files = { 'events.ts': write('events.ts', cases) };
controls.forEach((c, i) => (files[`control${i}.ts`] = write(`control${i}.ts`, [c])));
fs.writeFileSync(
  path.join(outDir, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      strict: true,
      noEmit: true,
      module: 'esnext',
      moduleResolution: 'bundler',
      target: 'es2022',
      typeRoots: [path.join(here, 'node_modules/@types')],
      types: ['node'],
    },
    files: Object.keys(files),
  }),
);

const started = process.hrtime.bigint();
const run = spawnSync(process.execPath, [tsc, '-p', outDir, '--pretty', 'false'], { cwd: outDir, encoding: 'utf8' });
const tscSeconds = Number(process.hrtime.bigint() - started) / 1e9;

// tsc reports `file(line,col): error TSxxxx: message` and indents the rest of a message.
const errors = [];
for (const line of run.stdout.split('\n')) {
  const m = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
  if (m) errors.push({ file: path.basename(m[1]), line: Number(m[2]), code: m[3], text: m[4] });
  else if (errors.length && line.startsWith(' ')) errors[errors.length - 1].text += '\n' + line;
}
const owner = (file, line) => {
  const starts = files[file];
  if (!starts) return undefined;
  let index = 0;
  while (index + 1 < starts.length && starts[index + 1] <= line) index++;
  return index;
};
const decimalOnly = (text) => /Type 'string' is not assignable to type 'Decimal'/.test(text);

const failed = new Map();
const decimal = new Set();
const unattributed = [];
const controlFailures = new Set();
for (const error of errors) {
  const index = owner(error.file, error.line);
  if (index === undefined) unattributed.push(error);
  else if (error.file.startsWith('control')) controlFailures.add(error.file);
  else if (decimalOnly(error.text)) decimal.add(cases[index].label);
  else failed.set(cases[index].label, [...(failed.get(cases[index].label) ?? []), `${error.code}: ${error.text}`]);
}
const blindControls = controls.filter((_, i) => !controlFailures.has(`control${i}.ts`)).map((c) => c.label);

for (const label of decimal) console.error(`DECIMAL ${label}`);
for (const [label, messages] of failed) console.error(`FAIL ${label}\n  ${messages.join('\n  ')}`);
for (const error of unattributed) console.error(`tsc: ${error.file}(${error.line}): ${error.code}: ${error.text}`);
for (const label of blindControls) console.error(`BLIND ${label}: tsc accepted it`);
if (run.status !== 0 && errors.length === 0) console.error(run.stdout + run.stderr);

const summary = {
  events: cases.length,
  passed: cases.length - failed.size - decimal.size,
  passed_except_decimal_string: decimal.size,
  decimal_string_types: [...new Set([...decimal].map((label) => label.split(' ')[0]))].sort(),
  failed: failed.size,
  by_account: [undefined, ...accounts].map((account) => {
    const mine = cases.filter((c) => (account ? c.label.endsWith(`--account ${account}`) : !c.label.includes('--account')));
    return { account: account ?? null, events: mine.length, failed: mine.filter((c) => failed.has(c.label)).length };
  }),
  controls_failing_as_they_must: controlFailures.size,
  tsc_seconds: Math.round(tscSeconds * 10) / 10,
};
console.log(JSON.stringify(summary));
fs.rmSync(outDir, { recursive: true, force: true });
process.exit(failed.size || unattributed.length || blindControls.length || (run.status !== 0 && errors.length === 0) ? 1 : 0);
