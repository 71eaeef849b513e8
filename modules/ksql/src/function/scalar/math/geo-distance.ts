import { SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { P } from '../scalar-function.js';

/**
 * Great-circle distance (haversine) between two points in degrees, in km (default, also for a
 * NULL or empty unit) or miles — computed in ksqlDB's order of operations, so the last digits agree.
 */
const MILES = new Set(['mi', 'mile', 'miles']);
const KMS = new Set(['km', 'kilometer', 'kilometers', 'kilometre', 'kilometres']);
const DEGREES_TO_RADIANS = Math.PI / 180; // Java's Math.toRadians

function radius(unit: string | null | undefined): number {
  const u = (unit ?? '').trim().toLowerCase();
  if (u === '' || KMS.has(u)) return 6371;
  if (MILES.has(u)) return 3959;
  throw new RangeError(
    "GeoDistance function units parameter must be one of 'mi', 'mile', 'miles', 'km', 'kilometer', 'kilometers', 'kilometre' or 'kilometres'. Values are case-insensitive.",
  );
}

const haversin = (x: number): number => Math.sin(x / 2) ** 2;

export function geoDistance(
  lat1: number,
  lon1: number,
  lat2: number,
  lon2: number,
  unit?: string | null,
): number {
  const r = radius(unit);
  if (Math.abs(lat1) > 90 || Math.abs(lat2) > 90 || Math.abs(lon1) > 180 || Math.abs(lon2) > 180) {
    throw new RangeError(
      'valid latitude values for GeoDistance function are in the range of -90 to 90 decimal degrees, and longitude values are in the range of -180 to 180 decimal degrees',
    );
  }
  const dLat = (lat2 - lat1) * DEGREES_TO_RADIANS;
  const dLon = (lon2 - lon1) * DEGREES_TO_RADIANS;
  const a =
    haversin(dLat) +
    haversin(dLon) * Math.cos(lat1 * DEGREES_TO_RADIANS) * Math.cos(lat2 * DEGREES_TO_RADIANS);
  return 2 * Math.asin(Math.sqrt(a)) * r;
}

export const GEO_DISTANCE = scalar(
  'GEO_DISTANCE',
  CATEGORY.MATH,
  'Compute the distance between two points on the surface of the earth, according to the Haversine formula for "great circle distance".',
  [
    fixed(
      [P.DOUBLE, P.DOUBLE, P.DOUBLE, P.DOUBLE],
      SqlTypes.DOUBLE,
      (a: number, b: number, c: number, d: number) => geoDistance(a, b, c, d),
    ),
    {
      params: [P.DOUBLE, P.DOUBLE, P.DOUBLE, P.DOUBLE, P.STRING],
      returns: SqlTypes.DOUBLE,
      nulls: 'pass',
      implement: () => (a) =>
        a.slice(0, 4).some((x) => x === null)
          ? null
          : geoDistance(
              a[0] as number,
              a[1] as number,
              a[2] as number,
              a[3] as number,
              a[4] as string | null,
            ),
    },
  ],
);
