import { describe, expect, it } from 'vitest';
import { bucketOf, bucketUnitFor, bucketsInRange, previousBucketInstant } from '../src/buckets.js';

const t = (iso: string) => Date.parse(iso);

describe('buckets', () => {
  it('uses day buckets for 60 s and 600 s, month for 3600 s, none for 86400 s, with overrides', () => {
    expect([60, 600, 3600, 86400].map((w) => bucketUnitFor(w))).toEqual(['day', 'day', 'month', 'none']);
    expect(bucketUnitFor(60, { 60: 'month' })).toBe('month');
  });

  it('derives the bucket from the instant in UTC', () => {
    expect(bucketOf('day', t('2006-12-16T23:59:59.999Z'))).toBe('2006-12-16');
    expect(bucketOf('day', t('2006-12-17T00:00:00Z'))).toBe('2006-12-17');
    expect(bucketOf('month', t('2006-12-31T23:59:00Z'))).toBe('2006-12');
    expect(bucketOf('month', t('2007-01-01T00:00:00Z'))).toBe('2007-01');
    expect(bucketOf('none', t('2007-01-01T00:00:00Z'))).toBe('all');
  });

  it('lists every bucket of a half-open range, oldest first', () => {
    expect(bucketsInRange('day', t('2006-12-30T12:00:00Z'), t('2007-01-02T00:00:00Z'))).toEqual([
      '2006-12-30',
      '2006-12-31',
      '2007-01-01',
    ]);
    // `to` exclusive: a range ending exactly at midnight does not touch the next day.
    expect(bucketsInRange('day', t('2006-12-16T00:00:00Z'), t('2006-12-17T00:00:00Z'))).toEqual([
      '2006-12-16',
    ]);
    expect(bucketsInRange('month', t('2006-11-15T00:00:00Z'), t('2007-02-01T00:00:01Z'))).toEqual([
      '2006-11',
      '2006-12',
      '2007-01',
      '2007-02',
    ]);
    expect(bucketsInRange('none', 0, 1)).toEqual(['all']);
    expect(bucketsInRange('day', 10, 10)).toEqual([]);
  });

  it('steps back to the previous bucket across month and year ends', () => {
    expect(bucketOf('day', previousBucketInstant('day', t('2007-03-01T05:00:00Z')))).toBe('2007-02-28');
    expect(bucketOf('month', previousBucketInstant('month', t('2007-01-10T00:00:00Z')))).toBe('2006-12');
  });
});
