import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RemotingCommand } from '../../src/protocol/command.js';
import type { Connection } from '../../src/remoting/types.js';
import { ClientHousekeeping, notifyConsumerIdsChanged } from '../../src/broker/client-housekeeping.js';
import { newClientChannel } from '../../src/broker/client-channel.js';
import { ConsumerManager } from '../../src/broker/consumer-manager.js';
import { ProducerManager } from '../../src/broker/producer-manager.js';

/** A connection as the client tables see it; closing it runs the close listeners like the transport does. */
class TestConnection implements Connection {
  static next = 1;
  readonly id = TestConnection.next++;
  readonly remoteHost = '10.0.0.1';
  readonly remotePort = 4000 + this.id;
  readonly remoteAddress = `10.0.0.1:${4000 + this.id}`;
  readonly localPort = 10911;
  closed = false;
  readonly sent: RemotingCommand[] = [];
  private readonly listeners: Array<() => void> = [];
  invoke(): Promise<RemotingCommand> {
    return Promise.reject(new Error('not used'));
  }
  invokeOneway(request: RemotingCommand): void {
    this.sent.push(request);
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.listeners.splice(0)) l();
  }
  onClose(listener: () => void): void {
    this.listeners.push(listener);
  }
}

function register(consumers: ConsumerManager, conn: Connection, clientId: string, now: number): boolean {
  return consumers.register({
    group: 'g',
    channel: newClientChannel(conn, clientId, 'JAVA', 409, now),
    consumeType: 'CONSUME_PASSIVELY',
    messageModel: 'CLUSTERING',
    consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
    subscriptions: [{ classFilterMode: false, topic: 'T', subString: '*', tagsSet: [], codeSet: [], subVersion: 1, expressionType: 'TAG' }],
    notify: true,
  });
}

test('an idle client is closed by the scan, leaves its groups, and the others are notified', () => {
  const changes: Array<[string, number]> = [];
  const consumers = new ConsumerManager((group, conns) => {
    changes.push([group, conns.length]);
    notifyConsumerIdsChanged(group, conns);
  });
  const producers = new ProducerManager();
  const hk = new ClientHousekeeping(consumers, producers);
  const idle = new TestConnection();
  const busy = new TestConnection();
  hk.watch(idle);
  hk.watch(busy);
  assert.equal(register(consumers, idle, 'idle@1', 0), true);
  assert.equal(register(consumers, busy, 'busy@1', 0), true);
  producers.register('pg', newClientChannel(idle, 'idle@1', 'JAVA', 409, 0));
  assert.equal(register(consumers, busy, 'busy@1', 100_000), false, 'a repeated heartbeat changes nothing');
  busy.sent.length = 0;

  hk.closeIdle(121_000, 120_000);
  assert.equal(idle.closed, true);
  assert.equal(busy.closed, false);
  assert.deepEqual(consumers.get('g')?.clientIds(), ['busy@1']);
  assert.equal(producers.channels('pg'), undefined);
  assert.deepEqual(changes.at(-1), ['g', 1]);
  assert.equal(busy.sent[0]?.code, 40);
  assert.deepEqual(busy.sent[0]?.extFields, { consumerGroup: 'g' });
});

test('a consumer whose heartbeat drops a topic changes the group; a newer subVersion replaces the filter', () => {
  const consumers = new ConsumerManager(() => undefined);
  const conn = new TestConnection();
  register(consumers, conn, 'c@1', 0);
  const changed = consumers.register({
    group: 'g',
    channel: newClientChannel(conn, 'c@1', 'JAVA', 409, 1),
    consumeType: 'CONSUME_PASSIVELY',
    messageModel: 'CLUSTERING',
    consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
    subscriptions: [{ classFilterMode: false, topic: 'U', subString: 'A', tagsSet: ['A'], codeSet: [65], subVersion: 2, expressionType: 'TAG' }],
    notify: false,
  });
  assert.equal(changed, true);
  assert.equal(consumers.findSubscription('g', 'T'), undefined);
  assert.equal(consumers.findSubscription('g', 'U')?.filter?.(65), true);
  assert.deepEqual(consumers.groupsConsuming('U'), ['g']);
});
