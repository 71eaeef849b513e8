/**
 * Shapes of a household's day, as a function of the hour of day (0–24, fractional): a night
 * baseline with a morning and an evening peak for electricity and water, and heating that is
 * highest at night and in the early morning for gas.
 */
function bump(hour: number, centre: number, width: number): number {
  const x = (hour - centre) / width;
  return Math.exp(-x * x);
}

/** Electricity load factor, ~0.35 at night, ~1.25 at the evening peak. */
export function electricityProfile(hour: number): number {
  return 0.35 + 0.55 * bump(hour, 7.5, 1.5) + 0.9 * bump(hour, 19.5, 2) + 0.2 * bump(hour, 13, 2);
}

/** Probability that water runs during a given minute. */
export function waterUseProbability(hour: number): number {
  return 0.01 + 0.12 * bump(hour, 7, 1.2) + 0.08 * bump(hour, 19, 2) + 0.03 * bump(hour, 12.5, 1.5);
}

/** Heating demand factor: high at night and early morning, low in the afternoon. */
export function gasProfile(hour: number): number {
  return 0.3 + 0.7 * bump(hour, 5.5, 3) + 0.4 * bump(hour, 21, 2.5) + 0.5 * bump(hour, -2, 3);
}
