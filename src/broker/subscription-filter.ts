// Subscriptions as the broker filters with them: the tag expression ("*", "TagA || TagB") becomes a set of
// tag hash codes matched against the consume-queue tagsCode (RocketMQ's FilterAPI + ExpressionMessageFilter).
// SQL92 needs property filtering, which this broker does not offer (enablePropertyFilter=false in 4.9.8).
import type { SubscriptionData } from '../protocol/body-types.js';
import { javaHashCode } from '../protocol/message.js';
import type { TagsCodeFilter } from '../store/types.js';

export const SUB_ALL = '*';
export const EXPRESSION_TAG = 'TAG';
/** More tags than this in one expression is not a subscription, it is an attack. */
export const MAX_SUBSCRIPTION_TAGS = 4096;

export class SubscriptionParseError extends Error {
  override readonly name = 'SubscriptionParseError';
}

/** TAG type per ExpressionType.isTagType: absent, empty or "TAG". */
export function isTagType(expressionType: string | undefined): boolean {
  return expressionType === undefined || expressionType === '' || expressionType === EXPRESSION_TAG;
}

/** "TagA || TagB" → trimmed non-empty tags; null/empty/"*" → no tags (everything). */
export function splitTags(subString: string | undefined): string[] {
  if (subString === undefined || subString === '' || subString === SUB_ALL) return [];
  const tags: string[] = [];
  for (const part of subString.split('||')) {
    const tag = part.trim();
    if (tag.length === 0) continue;
    if (tags.length >= MAX_SUBSCRIPTION_TAGS) {
      throw new SubscriptionParseError(`the subscription has more than ${MAX_SUBSCRIPTION_TAGS} tags`);
    }
    tags.push(tag);
  }
  return tags;
}

/** FilterAPI.build: the SubscriptionData a pull carrying its own subscription (sysFlag bit 2) stands for. */
export function buildSubscriptionData(topic: string, subString: string | undefined, expressionType: string | undefined): SubscriptionData {
  if (isTagType(expressionType)) {
    const all = subString === undefined || subString === '' || subString === SUB_ALL;
    const tags = splitTags(subString);
    return {
      classFilterMode: false,
      topic,
      subString: all ? SUB_ALL : (subString ?? SUB_ALL),
      tagsSet: tags,
      codeSet: tags.map(javaHashCode),
      subVersion: Date.now(),
      expressionType: EXPRESSION_TAG,
    };
  }
  if (subString === undefined || subString.length === 0) {
    throw new SubscriptionParseError(`Expression can't be null! ${expressionType ?? ''}`);
  }
  return { classFilterMode: false, topic, subString, tagsSet: [], codeSet: [], subVersion: Date.now(), expressionType: expressionType ?? '' };
}

/**
 * The consume-queue filter for a TAG subscription: null (everything) for "*" and class-filter mode, else
 * tagsCode (as Java's intValue) in the codeSet. A heartbeat's codeSet is trusted; when a client sent tags
 * without codes, the codes are computed from the tags.
 */
export function tagsCodeFilterOf(sub: SubscriptionData): TagsCodeFilter | null {
  if (sub.classFilterMode || sub.subString === SUB_ALL) return null;
  let codes = sub.codeSet;
  if (codes.length === 0) codes = (sub.tagsSet.length > 0 ? sub.tagsSet : splitTags(sub.subString)).map(javaHashCode);
  const first = codes[0];
  if (codes.length === 1 && first !== undefined) return (tagsCode) => (tagsCode | 0) === first;
  const set = new Set(codes);
  return (tagsCode) => set.has(tagsCode | 0);
}
