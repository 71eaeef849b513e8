import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** The flexible checksums S3 clients send (`x-amz-checksum-<name>`, base64 of the digest). */
export const CHECKSUM_NAMES = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const;
export type ChecksumName = (typeof CHECKSUM_NAMES)[number];

export interface Checksummer {
  update(chunk: Buffer): void;
  /** base64 digest; undefined for algorithms stored as given without verification (crc64nvme). */
  digest(): string | undefined;
}

export function checksummer(name: ChecksumName): Checksummer {
  switch (name) {
    case 'crc32': {
      let value = 0;
      return {
        update: (chunk) => {
          value = crc32(chunk, value);
        },
        digest: () => uint32Base64(value),
      };
    }
    case 'crc32c': {
      let value = 0;
      return {
        update: (chunk) => {
          value = crc32c(chunk, value);
        },
        digest: () => uint32Base64(value),
      };
    }
    case 'sha1':
    case 'sha256': {
      const hash = createHash(name);
      return { update: (chunk) => hash.update(chunk), digest: () => hash.digest('base64') };
    }
    case 'crc64nvme':
      return { update: () => undefined, digest: () => undefined };
  }
}

function uint32Base64(value: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes.toString('base64');
}

const CRC32C_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32C (Castagnoli), continuing from `previous` like zlib's crc32. */
export function crc32c(data: Buffer, previous = 0): number {
  let c = ~previous;
  for (let i = 0; i < data.length; i++) c = CRC32C_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
