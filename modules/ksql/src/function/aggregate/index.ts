import type { AggregateFactory } from '../function-types.js';
import { ATTR } from './attr.js';
import { AVG } from './avg.js';
import { COLLECT_LIST } from './collect-list.js';
import { COLLECT_SET } from './collect-set.js';
import { CORRELATION } from './correlation.js';
import { COUNT } from './count.js';
import { COUNT_DISTINCT } from './count-distinct.js';
import { EARLIEST_BY_OFFSET } from './earliest-by-offset.js';
import { HISTOGRAM } from './histogram.js';
import { LATEST_BY_OFFSET } from './latest-by-offset.js';
import { MAX, MIN } from './min-max.js';
import { STDDEV_SAMP, STDDEV_SAMPLE } from './stddev.js';
import { SUM } from './sum.js';
import { SUM_LIST } from './sum-list.js';
import { TOPK } from './topk.js';
import { TOPKDISTINCT } from './topk-distinct.js';

/** The built-in aggregate functions (UDAFs) by upper-case name, for the function registry. */
export const aggregateFunctions: ReadonlyMap<string, AggregateFactory> = new Map(
  [
    COUNT,
    SUM,
    SUM_LIST,
    AVG,
    MIN,
    MAX,
    LATEST_BY_OFFSET,
    EARLIEST_BY_OFFSET,
    COUNT_DISTINCT,
    COLLECT_LIST,
    COLLECT_SET,
    STDDEV_SAMP,
    STDDEV_SAMPLE,
    TOPK,
    TOPKDISTINCT,
    HISTOGRAM,
    CORRELATION,
    ATTR,
  ].map((f) => [f.description.name, f] as const),
);
