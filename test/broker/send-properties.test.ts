import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCommand } from '../../src/protocol/frame.js';
import { parseProperties } from '../../src/protocol/message.js';
import { BrokerError } from '../../src/broker/broker-error.js';
import { parseDelayLevel, redirectDelayed, scanSendProperties, storedProperties } from '../../src/broker/send-properties.js';
import { readFixture } from '../support/fixtures.js';
import { decodeStoredMessage } from '../support/stored-message.js';

const commitLog = readFixture('store', 'commitlog', '00000000000000000000');

function requestProperties(frame: string): string {
  const props = decodeCommand(readFixture('frames', frame)).extFields.i;
  assert.ok(props !== undefined, `${frame} has properties`);
  return props;
}

function asObject(props: string): Record<string, string> {
  return Object.fromEntries(parseProperties(props));
}

test('a plain send is stored without WAIT and with CLUSTER, as 4.9.8 stored the captured send (phy 0)', () => {
  const stored = storedProperties(scanSendProperties(requestProperties('310-SEND_MESSAGE_V2.request.bin')), 'DefaultCluster');
  assert.deepEqual(asObject(stored), decodeStoredMessage(commitLog, 0).properties);
  assert.ok(!stored.endsWith('\u0002'));
});

test('a delayed send keeps WAIT and gets REAL_TOPIC/REAL_QID, as the captured SCHEDULE_TOPIC_XXXX record (phy 1152)', () => {
  const original = requestProperties('310-SEND_MESSAGE_V2.delay.request.bin');
  const scan = scanSendProperties(original);
  assert.equal(parseDelayLevel(scan.delay), 2);
  const redirected = redirectDelayed(original, 'TopicTest', 0, 2, 18, 'DefaultCluster');
  const record = decodeStoredMessage(commitLog, 1152);
  assert.equal(redirected.topic, record.topic);
  assert.equal(redirected.queueId, record.queueId);
  assert.deepEqual(asObject(redirected.properties), record.properties);
});

test('a level above the highest configured one is clamped, in queue and DELAY property', () => {
  const r = redirectDelayed('DELAY\u000140', 'T', 3, 40, 18, 'C');
  assert.equal(r.queueId, 17);
  assert.equal(parseProperties(r.properties).get('DELAY'), '18');
});

test('ali-ons style trailing separators, empty and malformed segments are dropped; a client CLUSTER is replaced', () => {
  const scan = scanSendProperties('\u0002KEYS\u0001k1\u0002\u0002x\u0002CLUSTER\u0001theirs\u0002TAGS\u0001A\u0002WAIT\u0001true\u0002');
  assert.equal(scan.kept, 'KEYS\u0001k1\u0002TAGS\u0001A');
  assert.equal(storedProperties(scan, 'ours'), 'KEYS\u0001k1\u0002TAGS\u0001A\u0002CLUSTER\u0001ours');
  assert.equal(storedProperties(scanSendProperties(''), 'ours'), 'CLUSTER\u0001ours');
});

test('TRAN_MSG is detected and DELAY must be an integer', () => {
  assert.equal(scanSendProperties('TRAN_MSG\u0001true').transactionPrepared, true);
  assert.equal(scanSendProperties('TRAN_MSG\u0001false').transactionPrepared, false);
  assert.equal(parseDelayLevel(undefined), 0);
  assert.throws(() => parseDelayLevel('2x'), (e: unknown) => e instanceof BrokerError && /DELAY is not an integer: "2x"/.test(e.message));
});
