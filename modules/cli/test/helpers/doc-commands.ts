import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One command line a Markdown file shows. */
export interface DocCommand {
  file: string;
  /** 1-based line of the command's first line. */
  line: number;
  /** The command as written (continuation lines joined), without a leading `$ `. */
  text: string;
  /** Written with a trailing `&`: a process left running while the next commands run. */
  background: boolean;
}

/**
 * The command lines of a Markdown file: every line of a fenced `sh` / `bash` / `shell` block
 * (comments and blank lines aside, `\` continuations joined), and the `$ `-prefixed lines of any
 * other fenced block (transcripts, whose other lines are output).
 */
export function docCommands(root: string, file: string): DocCommand[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const commands: DocCommand[] = [];
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const open = /^```(\w*)/.exec(raw);
    if (open) {
      fence = fence === null ? open[1]! : null;
      continue;
    }
    if (fence === null) continue;
    const shell = ['sh', 'bash', 'shell'].includes(fence);
    let text = raw.trim();
    if (text.startsWith('$ ')) text = text.slice(2);
    else if (!shell || text === '' || text.startsWith('#')) continue;
    const start = i + 1;
    while (text.endsWith('\\') && i + 1 < lines.length)
      text = `${text.slice(0, -1).trimEnd()} ${lines[++i]!.trim()}`;
    // A trailing comment is the reader's, not the shell's.
    text = text.replace(/\s+#\s.*$/, '').trim();
    const background = /\s&$/.test(text);
    if (background) text = text.replace(/\s&$/, '').trim();
    commands.push({ file, line: start, text, background });
  }
  return commands;
}
