import { createReadStream } from 'node:fs';

/** One line of a text file, without its line terminator. */
export interface Line {
  text: string;
  /** 1-based line number in the file. */
  number: number;
  /** False only for a last line that is not followed by a newline (possibly cut short). */
  terminated: boolean;
}

/**
 * Streams the lines of a file in constant memory, one array per chunk read (64 KiB by default: bigger chunks read no faster and leave more garbage per batch),
 * which keeps the per-line cost to a slice. Unlike node:readline it says whether the last line
 * ended with a newline, which is how a file cut in the middle of a record is recognised. `\r\n`
 * endings are accepted.
 */
export async function* readLineChunks(path: string, highWaterMark = 64 * 1024): AsyncGenerator<Line[]> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark });
  let rest = '';
  let number = 0;
  for await (const chunk of stream as AsyncIterable<string>) {
    const text = rest.length > 0 ? rest + chunk : chunk;
    const lines: Line[] = [];
    let start = 0;
    let end = text.indexOf('\n', start);
    while (end >= 0) {
      number += 1;
      const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      lines.push({ text: text.slice(start, stop), number, terminated: true });
      start = end + 1;
      end = text.indexOf('\n', start);
    }
    rest = text.slice(start);
    if (lines.length > 0) yield lines;
  }
  if (rest.length > 0) {
    number += 1;
    yield [{ text: rest, number, terminated: false }];
  }
}

/** The lines of a file one by one (see readLineChunks). */
export async function* readLines(path: string, highWaterMark = 64 * 1024): AsyncGenerator<Line> {
  for await (const lines of readLineChunks(path, highWaterMark)) yield* lines;
}
