// What the test side passes to an agent (JSON on its command line): one definition for both sides.
import type { ConsumeFromWhere } from '../../../src/index.js';

export interface ProducerAgentSettings {
  topic: string;
  group: string;
  keyPrefix: string;
  senders: number;
  /** Pause between two sends of one loop, ms (0: as fast as the broker answers). */
  pauseMs: number;
  namesrvAddr?: string;
  sendMsgTimeout?: number;
  pollNameServerInterval?: number;
}

export interface ConsumerAgentSettings {
  topic: string;
  group: string;
  consumeFromWhere: ConsumeFromWhere;
  namesrvAddr?: string;
  pollNameServerInterval?: number;
  /** Listener calls at once (default 20); 1 with delayMs makes a slow consumer that builds a backlog. */
  consumeThreadMax?: number;
  /** Pulling of a queue pauses at this many unconsumed messages (default 1000): bounds what is prefetched. */
  pullThresholdForQueue?: number;
  /** Time each message takes to "process", ms (default 0). */
  delayMs?: number;
}
