import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, QualityRulesError, parseQualityRules, rulesFor } from '../src/index.js';

describe('rules file', () => {
  it('quality-rules.yaml documents exactly the built-in defaults', () => {
    const text = readFileSync(new URL('../quality-rules.yaml', import.meta.url), 'utf8');
    expect(parseQualityRules(text, 'quality-rules.yaml')).toEqual(DEFAULT_RULES);
  });

  it('a partial file overrides setting by setting; the attribute wins over the type', () => {
    const rules = parseQualityRules(
      'defaults:\n  maxFillReadings: 2\nseries:\n  ELECTRICITY:\n    spikeK: 4\n  ELECTRICITY.VOLTAGE:\n    spikeK: 5\n',
    );
    expect(rulesFor(rules, 'ELECTRICITY', 'VOLTAGE')).toMatchObject({
      maxFillReadings: 2,
      spikeK: 5,
      unit: 'V',
    });
    expect(rulesFor(rules, 'ELECTRICITY', 'INTENSITY')).toMatchObject({ spikeK: 4, max: 500 });
    expect(rulesFor(rules, 'GAS', 'GAS_IDD')).toMatchObject({ spikeK: 3, nonNegative: true });
  });

  it('typos and wrong types are errors naming the file and the setting', () => {
    const cases: [string, RegExp][] = [
      ['defaults:\n  maxFill: 2\n', /f\.yaml: defaults\.maxFill: unknown setting/],
      ['defaults:\n  spikeK: "three"\n', /defaults\.spikeK: must be a number > 0/],
      ['series:\n  WATER.VOLTAGE_X: {}\n', /series\.WATER\.VOLTAGE_X: not a <TYPE>/],
      ['units:\n  W: { to: kW }\n', /units\.W: must be/],
      ['retention: 5\n', /retention: unknown setting/],
      ['defaults: [1\n', /not YAML/],
    ];
    for (const [text, error] of cases) {
      expect(() => parseQualityRules(text, 'f.yaml')).toThrow(QualityRulesError);
      expect(() => parseQualityRules(text, 'f.yaml')).toThrow(error);
    }
  });
});
