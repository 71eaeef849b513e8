/**
 * Generates src/protocol/messages.generated.ts — the compact schema table the codec interprets,
 * plus TypeScript interfaces for every request and response — from the Kafka JSON message
 * definitions (which we read but do not ship).
 *
 *   npx tsx modules/broker/scripts/generate-messages.ts [path/to/protocols/kafka ...]
 *
 * Default input: ../shared/protocols/kafka next to the repository root. Several directories may be
 * given: their definitions are merged (a file name found twice is an error), which is how
 * definitions missing from the shared copy (the ACL and reassignment APIs) are added.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const inputDirs = (
  process.argv.length > 2
    ? process.argv.slice(2)
    : [resolve(import.meta.dirname, '../../../../shared/protocols/kafka')]
).map((d) => resolve(d));
const outFile = resolve(import.meta.dirname, '../src/protocol/messages.generated.ts');
const MAX = 32767;

interface JsonField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  flexibleVersions?: string;
  fields?: JsonField[];
}
interface JsonMessage {
  apiKey?: number;
  type: 'request' | 'response' | 'header' | 'data';
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: JsonField[];
  commonStructs?: { name: string; versions: string; fields: JsonField[] }[];
}

/** Removes `//` comments that sit outside string literals. */
function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[++i];
      } else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else out += c;
  }
  return out;
}

function parseRange(v: string | undefined): [number, number] | null {
  if (v === undefined || v === 'none' || v === '') return null;
  if (v.endsWith('+')) return [Number(v.slice(0, -1)), MAX];
  const dash = v.indexOf('-');
  if (dash > 0) return [Number(v.slice(0, dash)), Number(v.slice(dash + 1))];
  return [Number(v), Number(v)];
}

const camel = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const PRIMS = new Set([
  'bool',
  'int8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'float64',
  'string',
  'bytes',
  'records',
  'uuid',
]);

interface Gen {
  table: string[];
  types: string[];
  names: Set<string>;
}

function defaultLiteral(f: JsonField, base: string, nullable: boolean): string {
  const d = f.default;
  if (base === 'int64') {
    if (d === undefined || d === '') return '0n';
    return `${BigInt(d as string | number)}n`;
  }
  if (['int8', 'int16', 'uint16', 'int32', 'uint32', 'float64'].includes(base)) {
    if (d === undefined || d === '') return '0';
    return String(Number(d));
  }
  if (base === 'bool') return String(d === true || d === 'true');
  if (base === 'string') {
    if (d === 'null' && nullable) return 'null';
    return JSON.stringify(d === undefined || d === 'null' ? '' : String(d));
  }
  return 'undefined';
}

function tsType(base: string, isResponse: boolean): string {
  switch (base) {
    case 'int64':
      return 'bigint';
    case 'string':
      return 'string';
    case 'bytes':
    case 'uuid':
      return 'Buffer';
    case 'records':
      return isResponse ? 'RecordsData' : 'Buffer';
    case 'bool':
      return 'boolean';
    default:
      return 'number';
  }
}

function genFields(
  fields: JsonField[],
  msg: JsonMessage,
  structs: Map<string, JsonField[]>,
  gen: Gen,
  typeName: string,
  validMin: number,
): string {
  const isResponse = msg.type === 'response';
  const specs: string[] = [];
  const members: string[] = [];
  for (const f of fields) {
    const vr = parseRange(f.versions);
    if (!vr) continue;
    const nr = parseRange(f.nullableVersions);
    const tr = parseRange(f.taggedVersions);
    const isArray = f.type.startsWith('[]');
    const base = isArray ? f.type.slice(2) : f.type;
    const parts = [`n: '${camel(f.name)}'`];
    let tsT: string;
    if (PRIMS.has(base)) {
      parts.push(`t: '${f.type}'`);
      tsT = tsType(base, isResponse);
      if (!isArray) parts.push(`d: ${defaultLiteral(f, base, nr !== null)}`);
    } else {
      const sub = f.fields ?? structs.get(base);
      if (!sub) throw new Error(`${msg.name}.${f.name}: unknown struct type ${base}`);
      const subName = base.startsWith(msg.name) ? base : msg.name + base;
      parts.push(`t: '${isArray ? '[]struct' : 'struct'}'`);
      parts.push(`f: ${genFields(sub, msg, structs, gen, subName, validMin)}`);
      tsT = subName;
    }
    parts.push(`v: [${vr[0]}, ${vr[1]}]`);
    if (nr) parts.push(`nv: [${nr[0]}, ${nr[1]}]`);
    if (tr && f.tag !== undefined) parts.push(`tag: ${f.tag}`, `tv: [${tr[0]}, ${tr[1]}]`);
    if (f.flexibleVersions === 'none') parts.push('noFlex: true');
    specs.push(`{ ${parts.join(', ')} }`);
    const full = isArray ? `${tsT}[]` : tsT;
    const nullable = nr !== null || (!PRIMS.has(base) && !isArray);
    const always = vr[0] <= validMin && vr[1] === MAX && !tr;
    const optional = isResponse ? !always : false;
    members.push(`  ${camel(f.name)}${optional ? '?' : ''}: ${full}${nullable ? ' | null' : ''};`);
  }
  // A common struct used by several fields of one message is emitted once.
  if (!gen.names.has(typeName)) {
    gen.names.add(typeName);
    gen.types.push(`export interface ${typeName} {\n${members.join('\n')}\n}`);
  }
  return `[${specs.join(', ')}]`;
}

/** Definition file name → its path; sorted by name so the output does not depend on the order of the directories. */
const fileByName = new Map<string, string>();
for (const dir of inputDirs) {
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const seen = fileByName.get(f);
    if (seen) throw new Error(`message definition ${f} found twice: ${seen} and ${join(dir, f)}`);
    fileByName.set(f, join(dir, f));
  }
}
const files = [...fileByName.keys()].sort();
const gen: Gen = { table: [], types: [], names: new Set() };
const byKey = new Map<number, { request?: string; response?: string }>();
const extra: string[] = [];
for (const file of files) {
  const msg = JSON.parse(stripComments(readFileSync(fileByName.get(file)!, 'utf8'))) as JsonMessage;
  if (msg.type === 'header') continue; // headers are hand-coded in protocol/header.ts
  const structs = new Map<string, JsonField[]>();
  for (const s of msg.commonStructs ?? []) structs.set(s.name, s.fields);
  const valid = parseRange(msg.validVersions)!;
  const flex = parseRange(msg.flexibleVersions);
  const fields = genFields(msg.fields, msg, structs, gen, msg.name, valid[0]);
  const schema = `{ name: '${msg.name}', valid: [${valid[0]}, ${valid[1]}], flex: ${flex ? flex[0] : MAX}, fields: ${fields} }`;
  if (msg.apiKey === undefined) {
    extra.push(`export const ${msg.name}Schema: MessageSchema = ${schema};`);
    continue;
  }
  const entry = byKey.get(msg.apiKey) ?? {};
  if (msg.type === 'request') entry.request = schema;
  else entry.response = schema;
  byKey.set(msg.apiKey, entry);
}

const keys = [...byKey.keys()].sort((a, b) => a - b);
const out = `// GENERATED FILE — do not edit. Produced by modules/broker/scripts/generate-messages.ts from the
// Kafka protocol message definitions (Apache Kafka JSON schemas). Re-run the script to update.
// biome-ignore-all lint: generated code
import type { MessageSchema, RecordsData } from './schema-types.js';

export const API_SCHEMAS: Record<number, { request: MessageSchema; response: MessageSchema }> = {
${keys.map((k) => `  ${k}: { request: ${byKey.get(k)!.request}, response: ${byKey.get(k)!.response} },`).join('\n')}
};

${extra.join('\n\n')}

${gen.types.join('\n\n')}
`;
writeFileSync(outFile, out);
console.log(`wrote ${outFile}: ${keys.length} APIs, ${gen.names.size} types`);
