/** Edit distance (insertions, deletions, substitutions), for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

function suggestion(word: string, known: readonly string[]): string {
  const best = known.map((name) => ({ name, d: distance(word, name) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(best.name.length / 3))
    ? `; did you mean ${best.name}?`
    : '';
}

/**
 * The error for a command path `argv` names that does not exist, or null. yargs checks commands
 * only when it runs one: `meterstream nosuch --help` would print the top-level help and exit 0, as
 * if `nosuch` were fine. Like git and the AWS CLI, an unknown command is an error whatever follows.
 * `groups` lists the subcommands of the commands that have some (`sink` → cassandra, s3, redis).
 */
export function unknownCommand(
  argv: readonly string[],
  commands: readonly string[],
  groups: Readonly<Record<string, readonly string[]>>,
): string | null {
  const [first, second] = argv;
  if (first === undefined || first.startsWith('-')) return null;
  if (!commands.includes(first))
    return `unknown command "${first}"${suggestion(first, commands)} (meterstream --help lists the commands)`;
  const subcommands = groups[first];
  if (!subcommands || second === undefined || second.startsWith('-') || subcommands.includes(second))
    return null;
  return (
    `unknown command "${first} ${second}"${suggestion(second, subcommands)} ` +
    `(meterstream ${first} --help lists its commands: ${subcommands.join(', ')})`
  );
}
