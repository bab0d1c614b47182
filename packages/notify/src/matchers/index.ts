// Label matchers: Alertmanager's syntax and meaning.
export {
  compileMatcher,
  MATCH_OPS,
  MATCHER_LABEL_NAME,
  type Matcher,
  type MatcherConfig,
  type MatchOp,
  matchAll,
  matchOne,
} from './matcher.js';
export {
  MAX_MATCHER_TEXT,
  parseMatcher,
  parseMatcherItem,
  parseMatcherList,
  parseMatcherObject,
  parseMatchers,
} from './parse.js';
export { Re2SyntaxError, type TranslatedRegex, translateRe2 } from './re2.js';
