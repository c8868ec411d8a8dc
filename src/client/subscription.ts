// Tag subscriptions (Java FilterAPI): "*" or "TagA || TagB". The broker filters on the tag hash; the client
// then checks the exact tag, because two tags may share a hash.
import type { SubscriptionData } from '../protocol/body-types.js';
import { javaHashCode } from '../protocol/message.js';
import { PROPERTY_TAGS } from '../protocol/message-const.js';
import { illegalArgument } from './errors.js';

export const SUB_ALL = '*';
/** Longer expressions than this are surely a mistake and would bloat every heartbeat. */
export const MAX_SUB_EXPRESSION_LENGTH = 16 * 1024;

export function buildSubscriptionData(topic: string, expression: string | undefined, now = Date.now()): SubscriptionData {
  const expr = expression === undefined ? SUB_ALL : expression;
  if (typeof expr !== 'string') throw illegalArgument(`subscription expression for ${topic} must be a string`);
  if (expr.length > MAX_SUB_EXPRESSION_LENGTH) {
    throw illegalArgument(`subscription expression for ${topic} is ${expr.length} characters, more than ${MAX_SUB_EXPRESSION_LENGTH}`);
  }
  const trimmed = expr.trim();
  const sd: SubscriptionData = {
    classFilterMode: false,
    topic,
    subString: trimmed === '' || trimmed === SUB_ALL ? SUB_ALL : trimmed,
    tagsSet: [],
    codeSet: [],
    subVersion: now,
    expressionType: 'TAG',
  };
  if (sd.subString === SUB_ALL) return sd;
  for (const part of trimmed.split('||')) {
    const tag = part.trim();
    if (tag === '') continue;
    if (tag === SUB_ALL) throw illegalArgument(`subscription expression "${expr}" mixes "*" with tags`);
    if (!sd.tagsSet.includes(tag)) {
      sd.tagsSet.push(tag);
      sd.codeSet.push(javaHashCode(tag));
    }
  }
  if (sd.tagsSet.length === 0) throw illegalArgument(`subscription expression "${expr}" names no tag`);
  return sd;
}

/** The exact check after the broker's hash filter: no tag list = everything; else the message's tag must be listed. */
export function tagMatches(sd: SubscriptionData, properties: ReadonlyMap<string, string>): boolean {
  if (sd.classFilterMode || sd.tagsSet.length === 0) return true;
  const tag = properties.get(PROPERTY_TAGS);
  return tag !== undefined && sd.tagsSet.includes(tag);
}
