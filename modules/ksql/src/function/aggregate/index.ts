import type { AggregateFactory } from '../function-types.js';

/**
 * PLACEHOLDER written by the expression helper so the registry builds on its own: the aggregate
 * helper's `function/aggregate/index.ts` (the real aggregates) replaces this file at merge.
 */
export const aggregateFunctions: ReadonlyMap<string, AggregateFactory> = new Map();
