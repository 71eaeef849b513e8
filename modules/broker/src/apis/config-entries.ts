/**
 * DescribeConfigs / CreateTopics config entries built from the config tables the way Kafka's
 * ConfigHelper does: the source is the first synonym's (a topic override → DYNAMIC_TOPIC_CONFIG;
 * else this broker's own setting → STATIC_BROKER_CONFIG; else DEFAULT_CONFIG), and the synonyms —
 * only when asked for — are the override, then the broker config it falls back on when that has a
 * value (Kafka lists no synonym for retention.ms, segment.ms, … whose broker configs have no
 * default). Entries are listed alphabetically; Kafka's own order is that of an internal hash map.
 */
import { BROKER_CONFIGS, BROKER_CONFIG_NAMES } from '../broker-config-table.js';
import type { BrokerConfig } from '../config.js';
import { TOPIC_CONFIG_NAMES, TOPIC_CONFIGS, topicDefault } from '../log/topic-config.js';
import type { DescribeConfigsResponseDescribeConfigsResourceResult } from '../protocol/messages.generated.js';

export const ConfigSource = {
  DYNAMIC_TOPIC_CONFIG: 1,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const;

/** DescribeConfigs v3+ configType codes. */
const TYPE_CODES: Record<string, number> = {
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
};

export function topicConfigEntries(
  overrides: Readonly<Record<string, string>>,
  cfg: BrokerConfig,
  includeSynonyms: boolean,
): DescribeConfigsResponseDescribeConfigsResourceResult[] {
  return TOPIC_CONFIG_NAMES.map((name) => {
    const def = TOPIC_CONFIGS[name];
    const synonyms: { name: string; value: string; source: number }[] = [];
    const override = overrides[name];
    if (override !== undefined)
      synonyms.push({ name, value: override, source: ConfigSource.DYNAMIC_TOPIC_CONFIG });
    const brokerValue = def.brokerValue?.(cfg);
    if (def.broker && brokerValue !== undefined && brokerValue !== def.kafkaDefault) {
      synonyms.push({ name: def.broker.name, value: brokerValue, source: ConfigSource.STATIC_BROKER_CONFIG });
    } else if (def.broker?.hasDefault) {
      synonyms.push({ name: def.broker.name, value: def.kafkaDefault, source: ConfigSource.DEFAULT_CONFIG });
    }
    const source = synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG;
    return {
      name,
      value: override ?? topicDefault(name, cfg),
      readOnly: false,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      configSource: source,
      isSensitive: false,
      synonyms: includeSynonyms ? synonyms : [],
      configType: TYPE_CODES[def.type],
      documentation: null,
    };
  });
}

export function brokerConfigEntries(
  cfg: BrokerConfig,
  includeSynonyms: boolean,
): DescribeConfigsResponseDescribeConfigsResourceResult[] {
  return BROKER_CONFIG_NAMES.map((name) => {
    const def = BROKER_CONFIGS[name];
    const value = def.value(cfg);
    const source =
      value === def.kafkaDefault ? ConfigSource.DEFAULT_CONFIG : ConfigSource.STATIC_BROKER_CONFIG;
    const isSensitive = def.type === 'PASSWORD';
    return {
      name,
      value: isSensitive ? null : value,
      readOnly: true,
      isDefault: source === ConfigSource.DEFAULT_CONFIG,
      configSource: source,
      isSensitive,
      synonyms: includeSynonyms ? [{ name, value: isSensitive ? null : value, source }] : [],
      configType: TYPE_CODES[def.type],
      documentation: null,
    };
  });
}
