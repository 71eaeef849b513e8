/** ksqlDB's ArgumentInfo and FunctionInfo (DESCRIBE FUNCTION's `functions` entries). */
export interface ArgumentInfo {
  readonly name: string;
  readonly type: string;
  readonly description: string;
  readonly isVariadic: boolean;
}

export interface FunctionInfo {
  readonly arguments: readonly ArgumentInfo[];
  readonly returnType: string;
  readonly description: string;
}

/**
 * A variant's signature as the engine writes it — `NAME(a INT, b MAP<STRING, INT>...) => BIGINT`
 * (argument names optional, `...` marking a variadic last argument) — as ksqlDB's FunctionInfo.
 * A text that does not have that shape is kept whole as the description, with no arguments.
 */
export function functionInfoOf(signature: string): FunctionInfo {
  const open = signature.indexOf('(');
  const arrow = signature.lastIndexOf(') => ');
  if (open < 0 || arrow < open) return { arguments: [], returnType: '', description: signature };
  const inner = signature.slice(open + 1, arrow).trim();
  const args = inner === '' ? [] : splitTopLevel(inner).map(argumentOf);
  return { arguments: args, returnType: signature.slice(arrow + ') => '.length).trim(), description: '' };
}

/** Splits on commas outside `<…>` and `(…)` (`MAP<STRING, INT>`, `DECIMAL(10, 2)` stay whole). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<' || c === '(') depth++;
    else if (c === '>' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

/** `name TYPE`, `TYPE`, either with a trailing `...` (variadic). */
function argumentOf(text: string): ArgumentInfo {
  const isVariadic = text.endsWith('...');
  const body = isVariadic ? text.slice(0, -3).trim() : text;
  // A leading name is a word followed by a space before the type (types never start that way
  // except STRUCT<…>/ARRAY<…>/MAP<…>, whose first space is inside the brackets).
  const m = /^([A-Za-z_][A-Za-z0-9_]*) (.+)$/.exec(body);
  const named = m !== null && !/[<(]/.test(m[1] ?? '');
  return {
    name: named ? (m?.[1] ?? '') : '',
    type: named ? (m?.[2] ?? body) : body,
    description: '',
    isVariadic,
  };
}
