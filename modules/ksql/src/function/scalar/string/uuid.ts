import { randomUUID } from 'node:crypto';
import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

function uuidFromBytes(b: Buffer): string | null {
  if (b.length !== 16) return null;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const UUID = scalar(
  'UUID',
  CATEGORY.STRING,
  'Create a Universally Unique Identifier (UUID) generated according to RFC 4122.',
  [fixed([], SqlTypes.STRING, () => randomUUID()), fixed([P.BYTES], SqlTypes.STRING, uuidFromBytes)],
);
