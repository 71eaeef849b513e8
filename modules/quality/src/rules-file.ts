import { readFileSync } from 'node:fs';
import { METRIC_ATTRIBUTES, METRIC_TYPES } from '@meterstream/common';
import { parse } from 'yaml';
import { DEFAULT_RULES, type QualityRules, type SeriesRules, type UnitConversion } from './rules-config.js';

/** A rules file the stage cannot use, naming the file and the setting. */
export class QualityRulesError extends Error {
  constructor(
    readonly file: string,
    readonly setting: string,
    reason: string,
  ) {
    super(`${file}: ${setting}: ${reason}`);
    this.name = 'QualityRulesError';
  }
}

type Check = (value: unknown) => string | undefined;
const number: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : 'must be a number');
const positive: Check = (v) => (typeof v === 'number' && v > 0 ? undefined : 'must be a number > 0');
const nonNegativeInt: Check = (v) =>
  Number.isInteger(v) && (v as number) >= 0 ? undefined : 'must be an integer ≥ 0';
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const string: Check = (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'must be a unit name');
const range: Check = (v) =>
  Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number') && v[0] <= v[1]
    ? undefined
    : 'must be [low, high] with low ≤ high';
const nullable =
  (check: Check): Check =>
  (v) =>
    v === null ? undefined : check(v);

const SERIES_SETTINGS: Record<keyof SeriesRules, Check> = {
  unit: nullable(string),
  nonNegative: boolean,
  min: nullable(number),
  max: nullable(number),
  expectedIntervalSec: nullable(positive),
  maxFillReadings: nonNegativeInt,
  zeroRunSec: nullable(positive),
  constantRunSec: nullable(positive),
  spikeK: nullable(positive),
  spikeWindow: positive,
  spikeMinSamples: nonNegativeInt,
  lowConsumptionRatio: nullable(positive),
  lowConsumptionMinSamples: nonNegativeInt,
  voltageRange: nullable(range),
};

const SELECTORS = new Set<string>([
  ...METRIC_TYPES,
  ...METRIC_TYPES.flatMap((t) => METRIC_ATTRIBUTES.map((a) => `${t}.${a}`)),
]);

function objectAt(file: string, setting: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new QualityRulesError(file, setting, 'must be a mapping');
  return value as Record<string, unknown>;
}

function seriesSettings(file: string, at: string, value: unknown): Partial<SeriesRules> {
  const settings = objectAt(file, at, value);
  for (const [name, v] of Object.entries(settings)) {
    const check = SERIES_SETTINGS[name as keyof SeriesRules];
    if (!check) throw new QualityRulesError(file, `${at}.${name}`, 'unknown setting');
    const problem = check(v);
    if (problem) throw new QualityRulesError(file, `${at}.${name}`, `${problem}, got ${JSON.stringify(v)}`);
  }
  return settings as Partial<SeriesRules>;
}

/**
 * The rules of a YAML text: every section is optional and overrides DEFAULT_RULES setting by setting
 * (`series` and `units` entries are merged over the defaults' entries). Unknown settings, series or
 * values of the wrong type are errors naming them: a typo must not silently disable a rule.
 */
export function parseQualityRules(text: string, file = '<rules>'): QualityRules {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new QualityRulesError(file, '(document)', `not YAML: ${(error as Error).message}`);
  }
  const top = doc === null || doc === undefined ? {} : objectAt(file, '(document)', doc);
  const known = new Set(['defaults', 'series', 'units', 'futureToleranceSec', 'retentionSec']);
  for (const name of Object.keys(top))
    if (!known.has(name)) throw new QualityRulesError(file, name, 'unknown setting');

  const defaults = { ...DEFAULT_RULES.defaults, ...seriesSettings(file, 'defaults', top.defaults ?? {}) };
  const series: Record<string, Partial<SeriesRules>> = { ...DEFAULT_RULES.series };
  for (const [selector, settings] of Object.entries(objectAt(file, 'series', top.series ?? {}))) {
    if (!SELECTORS.has(selector))
      throw new QualityRulesError(file, `series.${selector}`, 'not a <TYPE> or <TYPE>.<ATTRIBUTE>');
    series[selector] = { ...series[selector], ...seriesSettings(file, `series.${selector}`, settings) };
  }
  const units: Record<string, UnitConversion> = { ...DEFAULT_RULES.units };
  for (const [unit, value] of Object.entries(objectAt(file, 'units', top.units ?? {}))) {
    const conversion = objectAt(file, `units.${unit}`, value);
    if (string(conversion.to) || positive(conversion.factor))
      throw new QualityRulesError(file, `units.${unit}`, 'must be { to: <unit>, factor: <number > 0> }');
    units[unit] = { to: conversion.to as string, factor: conversion.factor as number };
  }
  const seconds = (name: 'futureToleranceSec' | 'retentionSec'): number => {
    const value = top[name] ?? DEFAULT_RULES[name];
    const problem = positive(value);
    if (problem) throw new QualityRulesError(file, name, `${problem}, got ${JSON.stringify(value)}`);
    return value as number;
  };
  return {
    defaults,
    series,
    units,
    futureToleranceSec: seconds('futureToleranceSec'),
    retentionSec: seconds('retentionSec'),
  };
}

export function loadQualityRules(file: string): QualityRules {
  return parseQualityRules(readFileSync(file, 'utf8'), file);
}
