// Java's HashMap/HashSet iteration order for String keys. RocketMQ's NameServer keeps its tables in
// HashMaps and fastjson writes them in iteration order, so emitting lists in this order makes our bodies
// byte-equal to the real ones (and `mqadmin topicList` prints the same order).
// Model: a key sits in bucket spread(hash) & (capacity - 1); buckets are visited in index order and a
// bucket keeps insertion order (resizes split buckets without reordering). Treeified buckets (more than
// 8 colliding keys in a table of 64+) are not modelled.

/** Java's String.hashCode (UTF-16 code units, 32-bit wrap-around). */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** HashMap.hash(): folds the high half into the low half before masking. */
function spread(h: number): number {
  return h ^ (h >>> 16);
}

/** The table capacity of a HashMap built with `initialCapacity` after `size` insertions (load factor 0.75). */
export function javaTableCapacity(initialCapacity: number, size: number): number {
  let capacity = 1;
  while (capacity < initialCapacity) capacity *= 2;
  while (size > capacity * 0.75) capacity *= 2;
  return capacity;
}

/** `keys` (given in insertion order) in the order a Java HashMap of that capacity iterates them. */
export function javaHashOrder(keys: readonly string[], capacity: number): string[] {
  const mask = capacity - 1;
  const buckets = keys.map((key, index) => ({ key, index, bucket: spread(javaStringHash(key)) & mask }));
  buckets.sort((a, b) => a.bucket - b.bucket || a.index - b.index);
  return buckets.map((b) => b.key);
}

/** Default HashMap/HashSet initial capacity (`new HashSet<>()`). */
export const JAVA_DEFAULT_CAPACITY = 16;

/**
 * The iteration order of `new HashSet<>()` filled from a `new HashMap<>(sourceCapacity)`'s key set,
 * e.g. TopicList built from the topic table: first the source map's order, then the set's own.
 */
export function javaSetFromMapOrder(keys: readonly string[], sourceInitialCapacity: number): string[] {
  const sourceOrder = javaHashOrder(keys, javaTableCapacity(sourceInitialCapacity, keys.length));
  return javaHashOrder(sourceOrder, javaTableCapacity(JAVA_DEFAULT_CAPACITY, keys.length));
}
