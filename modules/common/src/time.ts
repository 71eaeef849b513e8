// ISO-8601 with an explicit zone (Z or ±hh:mm); a bare local date-time is ambiguous and refused.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO-8601 instant to epoch milliseconds, or returns an explanation of why it is not one. */
export function parseInstant(text: string): number | { error: string } {
  if (!ISO_INSTANT.test(text))
    return { error: `not an ISO-8601 instant with a zone: ${JSON.stringify(text)}` };
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) return { error: `not a valid date-time: ${JSON.stringify(text)}` };
  // Date.parse accepts 2006-02-30 by rolling over; round-tripping the date part catches it.
  const datePart = text.slice(0, 10);
  const offsetMatch = /(Z|[+-]\d{2}:\d{2})$/.exec(text)![1]!;
  const offsetMinutes =
    offsetMatch === 'Z'
      ? 0
      : (offsetMatch[0] === '-' ? -1 : 1) *
        (Number(offsetMatch.slice(1, 3)) * 60 + Number(offsetMatch.slice(4, 6)));
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
  if (local !== datePart) return { error: `not a valid calendar date: ${JSON.stringify(text)}` };
  return ms;
}

/** Formats epoch milliseconds as an ISO-8601 UTC instant, without milliseconds when they are zero. */
export function formatInstant(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}
