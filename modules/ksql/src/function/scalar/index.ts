import {
  ARRAY_CONCAT,
  ARRAY_EXCEPT,
  ARRAY_INTERSECT,
  ARRAY_JOIN,
  ARRAY_REMOVE,
  ARRAY_UNION,
  GENERATE_SERIES,
  SLICE,
} from './collection/array-more.js';
import { ENTRIES, MAP_UNION, SPLIT_TO_MAP } from './collection/map-more.js';
import { AS_VALUE, TO_JSON_STRING } from './conversion/as-value-json.js';
import { BIGINT_FROM_BYTES, DOUBLE_FROM_BYTES, INT_FROM_BYTES } from './conversion/from-bytes.js';
import { CONVERT_TZ } from './datetime/convert-tz.js';
import { JSON_ARRAY_CONTAINS, JSON_CONCAT, JSON_ITEMS, JSON_RECORDS } from './json/json-more.js';
import { GEO_DISTANCE } from './math/geo-distance.js';
import {
  ACOS,
  ASIN,
  ATAN,
  ATAN2,
  CBRT,
  COS,
  COSH,
  COT,
  DEGREES,
  PI,
  RADIANS,
  SIN,
  SINH,
  TAN,
  TANH,
} from './math/trig.js';
import { TRUNC } from './math/trunc.js';
import { MASK, MASK_KEEP_LEFT, MASK_KEEP_RIGHT, MASK_LEFT, MASK_RIGHT, MD5 } from './string/mask.js';
import {
  REGEXP_EXTRACT,
  REGEXP_EXTRACT_ALL,
  REGEXP_REPLACE,
  REGEXP_SPLIT_TO_ARRAY,
} from './string/regexp.js';
import {
  URL_DECODE_PARAM,
  URL_ENCODE_PARAM,
  URL_EXTRACT_FRAGMENT,
  URL_EXTRACT_HOST,
  URL_EXTRACT_PARAMETER,
  URL_EXTRACT_PATH,
  URL_EXTRACT_PORT,
  URL_EXTRACT_PROTOCOL,
  URL_EXTRACT_QUERY,
} from './url/url.js';
import {
  ARRAY_CONTAINS,
  ARRAY_DISTINCT,
  ARRAY_LENGTH,
  ARRAY_MAX,
  ARRAY_MIN,
  ARRAY_SORT,
} from './collection/array.js';
import { AS_MAP, MAP_KEYS, MAP_VALUES } from './collection/map.js';
import { DATEADD, DATESUB, TIMEADD, TIMESTAMPADD, TIMESTAMPSUB, TIMESUB } from './datetime/add-sub.js';
import {
  DATETOSTRING,
  FORMAT_DATE,
  FORMAT_TIME,
  PARSE_DATE,
  PARSE_TIME,
  STRINGTODATE,
} from './datetime/date-time-text.js';
import {
  FORMAT_TIMESTAMP,
  PARSE_TIMESTAMP,
  STRINGTOTIMESTAMP,
  TIMESTAMPTOSTRING,
} from './datetime/timestamp-text.js';
import { FROM_DAYS, FROM_UNIXTIME, UNIX_DATE, UNIX_TIMESTAMP } from './datetime/unix.js';
import { EXTRACTJSONFIELD, IS_JSON_STRING, JSON_ARRAY_LENGTH, JSON_KEYS } from './json/json.js';
import { FILTER, REDUCE, TRANSFORM } from './lambda/lambdas.js';
import { ABS, SIGN } from './math/abs-sign.js';
import { EXP, LN, LOG, POWER, RANDOM, SQRT } from './math/exp-log.js';
import { CEIL, FLOOR } from './math/floor-ceil.js';
import { GREATEST, LEAST } from './math/greatest-least.js';
import { ROUND } from './math/round.js';
import { COALESCE, IFNULL, NULLIF } from './nulls/coalesce.js';
import type { ScalarFunction } from './scalar-function.js';
import { ENCODE, FROM_BYTES, TO_BYTES } from './string/bytes.js';
import { INITCAP, LCASE, UCASE } from './string/case.js';
import { CHR } from './string/chr.js';
import { CONCAT, CONCAT_WS } from './string/concat.js';
import { ELT, FIELD } from './string/elt-field.js';
import { INSTR } from './string/instr.js';
import { LEN } from './string/len.js';
import { LPAD, RPAD } from './string/pad.js';
import { REPLACE } from './string/replace.js';
import { SPLIT } from './string/split.js';
import { SUBSTRING } from './string/substring.js';
import { LTRIM, RTRIM, TRIM } from './string/trim.js';
import { UUID } from './string/uuid.js';

/** Every built-in scalar function (one file per function or tight family). */
export const scalarFunctions: readonly ScalarFunction[] = [
  // strings
  CONCAT,
  CONCAT_WS,
  LCASE,
  UCASE,
  INITCAP,
  LEN,
  SUBSTRING,
  REPLACE,
  TRIM,
  LTRIM,
  RTRIM,
  SPLIT,
  INSTR,
  LPAD,
  RPAD,
  CHR,
  ELT,
  FIELD,
  UUID,
  TO_BYTES,
  FROM_BYTES,
  ENCODE,
  // NULL handling
  COALESCE,
  IFNULL,
  NULLIF,
  // math
  ABS,
  SIGN,
  ROUND,
  FLOOR,
  CEIL,
  SQRT,
  EXP,
  LN,
  LOG,
  POWER,
  RANDOM,
  GREATEST,
  LEAST,
  // date and time
  TIMESTAMPTOSTRING,
  STRINGTOTIMESTAMP,
  FORMAT_TIMESTAMP,
  PARSE_TIMESTAMP,
  FORMAT_DATE,
  PARSE_DATE,
  DATETOSTRING,
  STRINGTODATE,
  FORMAT_TIME,
  PARSE_TIME,
  UNIX_TIMESTAMP,
  UNIX_DATE,
  FROM_UNIXTIME,
  FROM_DAYS,
  TIMESTAMPADD,
  TIMESTAMPSUB,
  DATEADD,
  DATESUB,
  TIMEADD,
  TIMESUB,
  // JSON
  EXTRACTJSONFIELD,
  IS_JSON_STRING,
  JSON_ARRAY_LENGTH,
  JSON_KEYS,
  // collections
  ARRAY_LENGTH,
  ARRAY_CONTAINS,
  ARRAY_MIN,
  ARRAY_MAX,
  ARRAY_SORT,
  ARRAY_DISTINCT,
  AS_MAP,
  MAP_KEYS,
  MAP_VALUES,
  // lambdas
  TRANSFORM,
  FILTER,
  REDUCE,
  // more strings
  REGEXP_EXTRACT,
  REGEXP_EXTRACT_ALL,
  REGEXP_REPLACE,
  REGEXP_SPLIT_TO_ARRAY,
  MASK,
  MASK_LEFT,
  MASK_RIGHT,
  MASK_KEEP_LEFT,
  MASK_KEEP_RIGHT,
  MD5,
  // more math
  SIN,
  COS,
  TAN,
  COT,
  ASIN,
  ACOS,
  ATAN,
  ATAN2,
  SINH,
  COSH,
  TANH,
  CBRT,
  DEGREES,
  RADIANS,
  PI,
  TRUNC,
  GEO_DISTANCE,
  // more collections
  ARRAY_CONCAT,
  ARRAY_UNION,
  ARRAY_INTERSECT,
  ARRAY_EXCEPT,
  ARRAY_REMOVE,
  ARRAY_JOIN,
  SLICE,
  GENERATE_SERIES,
  MAP_UNION,
  ENTRIES,
  SPLIT_TO_MAP,
  // conversions and JSON
  AS_VALUE,
  TO_JSON_STRING,
  INT_FROM_BYTES,
  BIGINT_FROM_BYTES,
  DOUBLE_FROM_BYTES,
  JSON_RECORDS,
  JSON_ITEMS,
  JSON_ARRAY_CONTAINS,
  JSON_CONCAT,
  CONVERT_TZ,
  // URLs
  URL_EXTRACT_HOST,
  URL_EXTRACT_PATH,
  URL_EXTRACT_PORT,
  URL_EXTRACT_PROTOCOL,
  URL_EXTRACT_QUERY,
  URL_EXTRACT_FRAGMENT,
  URL_EXTRACT_PARAMETER,
  URL_ENCODE_PARAM,
  URL_DECODE_PARAM,
];
