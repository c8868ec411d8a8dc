// Golden tests: every JSON body captured from RocketMQ 4.9.8 decodes to its real values, and where Java's
// fastjson output is deterministic our encoder reproduces the captured bytes exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { ProtocolError } from '../../src/common/errors.js';
import * as bodies from '../../src/protocol/bodies.js';
import { readFixture } from '../support/fixtures.js';

function frameBody(name: string): Buffer {
  const frame = readFixture('frames', name);
  return frame.subarray(8 + (frame.readInt32BE(4) & 0xffffff));
}

function configFile(name: string): Buffer {
  return readFixture('store', 'config', name);
}

const MQ = (topic: string, queueId: number, brokerName = 'broker-a') => ({ topic, brokerName, queueId });

// ------------------------------------------------------------------------------------------ namesrv

test('105 route response (standard JSON form) decodes and re-encodes byte for byte', () => {
  const body = frameBody('105-GET_ROUTEINFO_BY_TOPIC.response.bin');
  const route = bodies.decodeTopicRouteData(body);
  assert.deepEqual(route.queueDatas, [{ brokerName: 'broker-a', perm: 6, readQueueNums: 4, writeQueueNums: 4, topicSysFlag: 0 }]);
  assert.equal(route.brokerDatas.length, 1);
  assert.equal(route.brokerDatas[0]!.cluster, 'DefaultCluster');
  assert.deepEqual([...route.brokerDatas[0]!.brokerAddrs], [[0, '127.0.0.2:10911']]);
  assert.deepEqual(route.filterServerTable, {});
  assert.equal(route.orderTopicConf, undefined);
  assert.deepEqual(bodies.encodeTopicRouteData(route, { standardJson: true }), body);

  const viaRocketmqHeader = frameBody('105-GET_ROUTEINFO_BY_TOPIC.rocketmq-serialize.response.bin');
  const tbw = bodies.decodeTopicRouteData(viaRocketmqHeader);
  assert.equal(tbw.queueDatas[0]!.perm, 7);
  assert.equal(tbw.queueDatas[0]!.readQueueNums, 8);
  assert.deepEqual(bodies.encodeTopicRouteData(tbw, { standardJson: true }), viaRocketmqHeader);
});

test('route data in the fastjson form (old clients) has bare Long keys, as captured in spec §8', () => {
  const route = bodies.decodeTopicRouteData(frameBody('105-GET_ROUTEINFO_BY_TOPIC.rocketmq-serialize.response.bin'));
  route.brokerDatas[0]!.brokerAddrs = new Map([[0, '127.0.0.1:10911']]);
  const expected =
    '{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],' +
    '"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":7,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8}]}';
  assert.equal(bodies.encodeTopicRouteData(route, { standardJson: false }).toString(), expected);
  assert.equal(bodies.encodeTopicRouteData(route).toString(), expected);
  // and both forms decode to the same route
  assert.deepEqual(bodies.decodeTopicRouteData(expected), route);
});

test('route data: standard form sorts broker ids, carries orderTopicConf, filter servers; old topicSynFlag accepted', () => {
  const route = {
    orderTopicConf: 'broker-a:4;broker-b:4',
    queueDatas: [{ brokerName: 'b', readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 }],
    brokerDatas: [{ cluster: 'c', brokerName: 'b', brokerAddrs: new Map([[10, 'h:3'], [1, 'h:2'], [0, 'h:1']]) }],
    filterServerTable: { 'h:1': ['f:1', 'f:2'] },
  };
  const text = bodies.encodeTopicRouteData(route, { standardJson: true }).toString();
  assert.equal(
    text,
    '{"brokerDatas":[{"brokerAddrs":{"0":"h:1","1":"h:2","10":"h:3"},"brokerName":"b","cluster":"c"}],' +
      '"filterServerTable":{"h:1":["f:1","f:2"]},"orderTopicConf":"broker-a:4;broker-b:4",' +
      '"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":1,"topicSysFlag":0,"writeQueueNums":1}]}',
  );
  const back = bodies.decodeTopicRouteData(text);
  assert.equal(back.orderTopicConf, 'broker-a:4;broker-b:4');
  assert.deepEqual(back.filterServerTable, { 'h:1': ['f:1', 'f:2'] });
  const old = bodies.decodeTopicRouteData(
    '{"brokerDatas":[],"queueDatas":[{"brokerName":"b","perm":"6","readQueueNums":"2","writeQueueNums":2,"topicSynFlag":3}]}',
  );
  assert.deepEqual(old.queueDatas[0], { brokerName: 'b', perm: 6, readQueueNums: 2, writeQueueNums: 2, topicSysFlag: 3 });
});

test('route data errors name the missing or wrong field', () => {
  assert.throws(() => bodies.decodeTopicRouteData('{"brokerDatas":[]}'), /^ProtocolError: TopicRouteData.queueDatas is missing$/);
  assert.throws(
    () => bodies.decodeTopicRouteData('{"brokerDatas":[],"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":1}]}'),
    /TopicRouteData.queueDatas\[0\].writeQueueNums is missing/,
  );
  assert.throws(
    () => bodies.decodeTopicRouteData('{"queueDatas":[],"brokerDatas":[{"cluster":"c","brokerName":"b","brokerAddrs":{"x":"h"}}]}'),
    /TopicRouteData.brokerDatas\[0\].brokerAddrs: map key must be an integer, got "x"/,
  );
  assert.throws(() => bodies.decodeTopicRouteData('[1]'), /TopicRouteData: expected an object, got an array/);
  assert.throws(() => bodies.decodeTopicRouteData('{"queueDatas":'), (e: Error) => e instanceof ProtocolError && /TopicRouteData: expected a value/.test(e.message));
});

test('106 cluster info decodes and re-encodes byte for byte (always bare Long keys)', () => {
  const body = frameBody('106-GET_BROKER_CLUSTER_INFO.response.bin');
  const info = bodies.decodeClusterInfo(body);
  const a = info.brokerAddrTable.get('broker-a');
  assert.ok(a);
  assert.equal(a.cluster, 'DefaultCluster');
  assert.equal(a.brokerAddrs.get(0), '127.0.0.2:10911');
  assert.deepEqual([...info.clusterAddrTable], [['DefaultCluster', ['broker-a']]]);
  assert.deepEqual(bodies.encodeClusterInfo(info), body);
});

test('206 topic list decodes and re-encodes byte for byte; brokerAddr is optional', () => {
  const body = frameBody('206-GET_ALL_TOPIC_LIST_FROM_NAMESERVER.response.bin');
  const list = bodies.decodeTopicList(body);
  assert.equal(list.topicList.length, 14);
  assert.equal(list.topicList[0], 'RMQ_SYS_TRANS_HALF_TOPIC');
  assert.ok(list.topicList.includes('%RETRY%please_rename_unique_group_name_4'));
  assert.equal(list.brokerAddr, undefined);
  assert.deepEqual(bodies.encodeTopicList(list), body);
  assert.equal(bodies.encodeTopicList({ topicList: ['a'], brokerAddr: 'h:1' }).toString(), '{"brokerAddr":"h:1","topicList":["a"]}');
  assert.deepEqual(bodies.decodeTopicList('{"brokerAddr":"h:1","topicList":["a"]}'), { topicList: ['a'], brokerAddr: 'h:1' });
});

test('28 runtime info KVTable decodes and re-encodes byte for byte', () => {
  const body = frameBody('28-GET_BROKER_RUNTIME_INFO.response.bin');
  const kv = bodies.decodeKVTable(body);
  assert.equal(kv.table['brokerVersionDesc'], 'V4_9_8');
  assert.equal(kv.table['msgPutTotalTodayNow'], '5109');
  assert.equal(kv.table['commitLogMaxOffset'], '1105368');
  assert.equal(kv.table['bootTimestamp'], '1795272761651');
  assert.deepEqual(bodies.encodeKVTable(kv), body);
  // numbers sent by other clients become strings
  assert.deepEqual(bodies.decodeKVTable('{"table":{"a":1,"b":true}}'), { table: { a: '1', b: 'true' } });
});

test('DataVersion round trip and counter default', () => {
  const dv = { timestamp: 1795272761504, counter: 3 };
  assert.equal(bodies.encodeDataVersion(dv).toString(), '{"counter":3,"timestamp":1795272761504}');
  assert.deepEqual(bodies.decodeDataVersion('{"counter":3,"timestamp":1795272761504}'), dv);
  assert.deepEqual(bodies.decodeDataVersion('{"timestamp":"5"}'), { timestamp: 5, counter: 0 });
  assert.throws(() => bodies.decodeDataVersion('{"counter":1}'), /DataVersion.timestamp is missing/);
});

// ------------------------------------------------------------------------------------------ broker registration

test('103 REGISTER_BROKER body decodes to the real topic configs and re-encodes byte for byte', () => {
  const body = frameBody('103-REGISTER_BROKER.master.request.bin');
  const reg = bodies.decodeRegisterBrokerBody(body, false);
  const w = reg.topicConfigSerializeWrapper;
  assert.deepEqual(w.dataVersion, { counter: 0, timestamp: 1795272761504 });
  assert.equal(w.topicConfigTable.size, 8);
  assert.deepEqual(w.topicConfigTable.get('TBW102'), {
    topicName: 'TBW102',
    readQueueNums: 8,
    writeQueueNums: 8,
    perm: 7,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
  });
  assert.equal(w.topicConfigTable.get('SCHEDULE_TOPIC_XXXX')?.readQueueNums, 18);
  assert.equal(w.topicConfigTable.get('BenchmarkTest')?.writeQueueNums, 1024);
  assert.deepEqual(reg.filterServerList, []);
  assert.deepEqual(bodies.encodeRegisterBrokerBody(reg, false), body);
  const slave = frameBody('103-REGISTER_BROKER.slave.request.bin');
  assert.deepEqual(bodies.encodeRegisterBrokerBody(bodies.decodeRegisterBrokerBody(slave, false), false), slave);
});

test('compressed RegisterBrokerBody round trip (zlib best compression, text topic configs)', () => {
  const reg = bodies.decodeRegisterBrokerBody(frameBody('103-REGISTER_BROKER.master.request.bin'), false);
  reg.filterServerList = ['127.0.0.1:30000'];
  const packed = bodies.encodeRegisterBrokerBody(reg, true);
  assert.equal(packed[0], 0x78);
  assert.equal(packed[1], 0xda); // zlib header of Deflater(BEST_COMPRESSION)
  const back = bodies.decodeRegisterBrokerBody(packed, true);
  assert.deepEqual(back, reg);

  // Layout check against the Java format, independent of our decoder.
  const raw = zlib.inflateSync(packed);
  const dvLen = raw.readInt32BE(0);
  assert.equal(raw.subarray(4, 4 + dvLen).toString(), '{"counter":0,"timestamp":1795272761504}');
  assert.equal(raw.readInt32BE(4 + dvLen), 8);
  const firstLen = raw.readInt32BE(8 + dvLen);
  assert.equal(raw.subarray(12 + dvLen, 12 + dvLen + firstLen).toString(), 'SCHEDULE_TOPIC_XXXX 18 18 6 SINGLE_TAG');
  assert.ok(raw.subarray(raw.length - 19).toString().endsWith('["127.0.0.1:30000"]'));
});

test('compressed RegisterBrokerBody: topicSysFlag and order are not carried (as in Java)', () => {
  const reg = {
    topicConfigSerializeWrapper: {
      dataVersion: { timestamp: 1, counter: 2 },
      topicConfigTable: new Map([
        ['T', { topicName: 'T', readQueueNums: 4, writeQueueNums: 4, perm: 6, topicFilterType: 'MULTI_TAG' as const, topicSysFlag: 1, order: true }],
      ]),
    },
    filterServerList: [],
  };
  const back = bodies.decodeRegisterBrokerBody(bodies.encodeRegisterBrokerBody(reg, true), true);
  assert.deepEqual(back.topicConfigSerializeWrapper.topicConfigTable.get('T'), {
    topicName: 'T',
    readQueueNums: 4,
    writeQueueNums: 4,
    perm: 6,
    topicFilterType: 'MULTI_TAG',
    topicSysFlag: 0,
    order: false,
  });
});

test('bad compressed RegisterBrokerBody gives a ProtocolError naming the problem', () => {
  const block = (s: string) => {
    const b = Buffer.from(s);
    const len = Buffer.alloc(4);
    len.writeInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const int = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return b;
  };
  const dv = block('{"counter":0,"timestamp":1}');
  const cases: Array<[Buffer, RegExp]> = [
    [Buffer.from('not zlib'), /RegisterBrokerBody: compressed body does not inflate/],
    [zlib.deflateSync(Buffer.from([0, 0])), /body ends before the length of dataVersion at offset 0/],
    [zlib.deflateSync(int(1000)), /dataVersion length 1000 at offset 0 exceeds the 0 bytes left/],
    [zlib.deflateSync(Buffer.concat([dv, int(1_000_000)])), /topic count 1000000 is impossible/],
    [zlib.deflateSync(Buffer.concat([dv, int(1), block('T 1 1 6')])), /topic #0: expected "name read write perm filterType", got "T 1 1 6"/],
    [zlib.deflateSync(Buffer.concat([dv, int(1), block('T x 1 6 SINGLE_TAG')])), /topic #0.readQueueNums: expected an integer/],
    [zlib.deflateSync(Buffer.concat([dv, int(1), block('T 1 1 6 WHAT')])), /topic #0.topicFilterType: "WHAT" is not one of/],
    [zlib.deflateSync(Buffer.concat([dv, int(0), block('{}')])), /filterServerList: expected an array/],
  ];
  for (const [input, re] of cases) {
    assert.throws(() => bodies.decodeRegisterBrokerBody(input, true), (e: Error) => e instanceof ProtocolError && re.test(e.message), re.source);
  }
});

test('21 GET_ALL_TOPIC_CONFIG body and topics.json (pretty) both reproduce the captured bytes', () => {
  const body = frameBody('21-GET_ALL_TOPIC_CONFIG.vip-port.response.bin');
  const wrapper = bodies.decodeTopicConfigSerializeWrapper(body);
  assert.deepEqual(wrapper.dataVersion, { counter: 6, timestamp: 1795272823627 });
  assert.equal(wrapper.topicConfigTable.get('TopicTest')?.readQueueNums, 4);
  assert.equal(wrapper.topicConfigTable.get('%RETRY%please_rename_unique_group_name_4')?.writeQueueNums, 1);
  assert.deepEqual(bodies.encodeTopicConfigSerializeWrapper(wrapper), body);

  const file = configFile('topics.json');
  const fromFile = bodies.decodeTopicConfigSerializeWrapper(file);
  assert.equal(fromFile.dataVersion.counter, 6);
  assert.equal(fromFile.topicConfigTable.get('SCHEDULE_TOPIC_XXXX')?.readQueueNums, 18);
  assert.deepEqual(fromFile.topicConfigTable.get('BatchTest'), {
    topicName: 'BatchTest',
    readQueueNums: 4,
    writeQueueNums: 4,
    perm: 6,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
  });
  assert.deepEqual(bodies.encodeTopicConfigSerializeWrapper(fromFile, { pretty: true }), file);
});

test('topic configs missing fields get Java defaults; the table key stands in for topicName', () => {
  const w = bodies.decodeTopicConfigSerializeWrapper('{"dataVersion":{"counter":1,"timestamp":2},"topicConfigTable":{"T":{}}}');
  assert.deepEqual(w.topicConfigTable.get('T'), {
    topicName: 'T',
    readQueueNums: 16,
    writeQueueNums: 16,
    perm: 6,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
  });
  assert.throws(
    () => bodies.decodeTopicConfigSerializeWrapper('{"dataVersion":{"counter":1,"timestamp":2},"topicConfigTable":{"T":{"perm":"rw"}}}'),
    /TopicConfigSerializeWrapper.topicConfigTable\["T"\].perm: expected an integer, got string "rw"/,
  );
  assert.throws(() => bodies.decodeTopicConfigSerializeWrapper('{"topicConfigTable":{}}'), /TopicConfigSerializeWrapper.dataVersion is missing/);
});

// ------------------------------------------------------------------------------------------ clients

test('34 HEART_BEAT bodies from the Java client decode and re-encode byte for byte', () => {
  const consumerBody = frameBody('34-HEART_BEAT.consumer.request.bin');
  const hb = bodies.decodeHeartbeatData(consumerBody);
  assert.equal(hb.clientID, '192.0.2.2@19515#3662367437258');
  assert.deepEqual(hb.producerDataSet, [{ groupName: 'CLIENT_INNER_PRODUCER' }]);
  const cd = hb.consumerDataSet[0]!;
  assert.equal(cd.groupName, 'please_rename_unique_group_name_4');
  assert.equal(cd.consumeType, 'CONSUME_PASSIVELY');
  assert.equal(cd.messageModel, 'CLUSTERING');
  assert.equal(cd.consumeFromWhere, 'CONSUME_FROM_FIRST_OFFSET');
  assert.equal(cd.unitMode, false);
  assert.deepEqual(cd.subscriptionDataSet[0], {
    classFilterMode: false,
    topic: 'TopicTest',
    subString: '*',
    tagsSet: [],
    codeSet: [],
    subVersion: 1795272802195,
    expressionType: 'TAG',
  });
  assert.equal(cd.subscriptionDataSet[1]!.topic, '%RETRY%please_rename_unique_group_name_4');
  assert.deepEqual(bodies.encodeHeartbeatData(hb), consumerBody);

  const producerBody = frameBody('34-HEART_BEAT.producer.request.bin');
  const phb = bodies.decodeHeartbeatData(producerBody);
  assert.deepEqual(phb.producerDataSet, [{ groupName: 'please_rename_unique_group_name' }, { groupName: 'CLIENT_INNER_PRODUCER' }]);
  assert.deepEqual(phb.consumerDataSet, []);
  assert.deepEqual(bodies.encodeHeartbeatData(phb), producerBody);
});

test('heartbeat as ali-ons sends it (JSON.stringify, fields missing, numbers as strings) decodes leniently', () => {
  const aliOns = JSON.stringify({
    clientID: '10.0.0.1@1234',
    consumerDataSet: [
      {
        groupName: 'GID_X',
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        subscriptionDataSet: [
          { topic: 'T', subString: 'TagA || TagB', classFilterMode: false, tagsSet: ['TagA', 'TagB'], codeSet: ['2598919', 2598920], subVersion: '1700000000000' },
        ],
        // unitMode absent (undefined in ali-ons)
        extra: { ignored: true },
      },
    ],
    producerDataSet: [],
    somethingNew: 1,
  });
  const hb = bodies.decodeHeartbeatData(aliOns);
  const sd = hb.consumerDataSet[0]!.subscriptionDataSet[0]!;
  assert.deepEqual(sd.codeSet, [2598919, 2598920]);
  assert.equal(sd.subVersion, 1700000000000);
  assert.equal(sd.expressionType, 'TAG');
  assert.equal(hb.consumerDataSet[0]!.unitMode, false);
  // the Java client's extra getter fields and enum ordinals are accepted too
  const java = bodies.decodeHeartbeatData(
    '{"clientID":"c","consumerDataSet":[{"groupName":"g","consumeType":1,"messageModel":0,"consumeFromWhere":5,"subscriptionDataSet":[],"unitMode":"false","typeCN":"PUSH"}]}',
  );
  assert.equal(java.consumerDataSet[0]!.consumeType, 'CONSUME_PASSIVELY');
  assert.equal(java.consumerDataSet[0]!.messageModel, 'BROADCASTING');
  assert.equal(java.consumerDataSet[0]!.consumeFromWhere, 'CONSUME_FROM_TIMESTAMP');
});

test('heartbeat errors name the field', () => {
  assert.throws(() => bodies.decodeHeartbeatData('{"producerDataSet":[]}'), /HeartbeatData.clientID is missing/);
  assert.throws(
    () => bodies.decodeHeartbeatData('{"clientID":"c","consumerDataSet":[{"groupName":"g","messageModel":"PUSH"}]}'),
    /HeartbeatData.consumerDataSet\[0\].messageModel: "PUSH" is not one of BROADCASTING, CLUSTERING/,
  );
  assert.throws(
    () => bodies.decodeHeartbeatData('{"clientID":"c","consumerDataSet":[{"groupName":"g","subscriptionDataSet":[{"topic":"T"}]}]}'),
    /HeartbeatData.consumerDataSet\[0\].subscriptionDataSet\[0\].subString is missing/,
  );
  assert.throws(() => bodies.decodeHeartbeatData('{"clientID":"c","producerDataSet":{}}'), /HeartbeatData.producerDataSet: expected an array, got an object/);
});

test('38 consumer list and 300 group list re-encode byte for byte', () => {
  const list = frameBody('38-GET_CONSUMER_LIST_BY_GROUP.response.bin');
  const ids = bodies.decodeGetConsumerListByGroupResponseBody(list);
  assert.deepEqual(ids.consumerIdList, ['192.0.2.2@19515#3662367437258']);
  assert.deepEqual(bodies.encodeGetConsumerListByGroupResponseBody(ids), list);

  const groups = frameBody('300-QUERY_TOPIC_CONSUME_BY_WHO.response.bin');
  const g = bodies.decodeGroupList(groups);
  assert.deepEqual(g.groupList, ['please_rename_unique_group_name_3', 'please_rename_unique_group_name_4']);
  assert.deepEqual(bodies.encodeGroupList(g), groups);
});

test('consumer and producer connections round trip in Java field order', () => {
  const cc = {
    connectionSet: [{ clientId: '192.0.2.2@1#2', clientAddr: '127.0.0.1:50000', language: 'JAVA', version: 409 }],
    subscriptionTable: new Map([
      ['TopicTest', { classFilterMode: false, topic: 'TopicTest', subString: 'TagA', tagsSet: ['TagA'], codeSet: [2598919], subVersion: 5, expressionType: 'TAG', filterClassSource: 'x' }],
    ]),
    consumeType: 'CONSUME_PASSIVELY' as const,
    messageModel: 'CLUSTERING' as const,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' as const,
  };
  const text = bodies.encodeConsumerConnection(cc).toString();
  assert.equal(
    text,
    '{"connectionSet":[{"clientAddr":"127.0.0.1:50000","clientId":"192.0.2.2@1#2","language":"JAVA","version":409}],' +
      '"consumeFromWhere":"CONSUME_FROM_FIRST_OFFSET","consumeType":"CONSUME_PASSIVELY","messageModel":"CLUSTERING",' +
      '"subscriptionTable":{"TopicTest":{"classFilterMode":false,"codeSet":[2598919],"expressionType":"TAG","subString":"TagA","subVersion":5,"tagsSet":["TagA"],"topic":"TopicTest"}}}',
  );
  const back = bodies.decodeConsumerConnection(text);
  assert.deepEqual(back.connectionSet, cc.connectionSet);
  assert.equal(back.subscriptionTable.get('TopicTest')?.filterClassSource, undefined); // never serialized by Java
  assert.equal(back.consumeFromWhere, 'CONSUME_FROM_FIRST_OFFSET');

  const pc = { connectionSet: [{ clientId: 'p', clientAddr: 'a:1', language: 'GO', version: 0 }] };
  assert.equal(bodies.encodeProducerConnection(pc).toString(), '{"connectionSet":[{"clientAddr":"a:1","clientId":"p","language":"GO","version":0}]}');
  assert.deepEqual(bodies.decodeProducerConnection(bodies.encodeProducerConnection(pc)), pc);
  assert.equal(bodies.decodeProducerConnection('{"connectionSet":[{"clientAddr":"a","clientId":"p","language":9}]}').connectionSet[0]!.language, 'GO');
});

// ------------------------------------------------------------------------------------------ stats (MessageQueue-keyed maps)

test('208 consume stats decode and re-encode byte for byte (object keys, double consumeTps)', () => {
  const body = frameBody('208-GET_CONSUME_STATS.response.bin');
  const stats = bodies.decodeConsumeStats(body);
  assert.equal(stats.consumeTps, 100.1020020400408);
  assert.equal(stats.offsetTable.length, 5);
  assert.deepEqual(stats.offsetTable[0], [MQ('TopicTest', 3), { brokerOffset: 1251, consumerOffset: 1251, lastTimestamp: 1795272798790 }]);
  assert.deepEqual(stats.offsetTable[2], [MQ('%RETRY%please_rename_unique_group_name_4', 0), { brokerOffset: 0, consumerOffset: 0, lastTimestamp: 0 }]);
  assert.deepEqual(bodies.encodeConsumeStats(stats), body);
  assert.equal(bodies.encodeConsumeStats({ consumeTps: 0, offsetTable: [] }).toString(), '{"consumeTps":0.0,"offsetTable":{}}');
});

test('202 topic stats decode and re-encode byte for byte', () => {
  const body = frameBody('202-GET_TOPIC_STATS_INFO.response.bin');
  const stats = bodies.decodeTopicStatsTable(body);
  assert.equal(stats.offsetTable.length, 4);
  assert.deepEqual(stats.offsetTable[3], [MQ('TopicTest', 0), { minOffset: 0, maxOffset: 1252, lastUpdateTimestamp: 1795272798791 }]);
  assert.deepEqual(bodies.encodeTopicStatsTable(stats), body);
});

test('MessageQueue keys: JSON in a string key is accepted; a bad key names its position', () => {
  const stats = bodies.decodeTopicStatsTable('{"offsetTable":{"{\\"brokerName\\":\\"b\\",\\"queueId\\":1,\\"topic\\":\\"T\\"}":{"maxOffset":9}}}');
  assert.deepEqual(stats.offsetTable, [[MQ('T', 1, 'b'), { minOffset: 0, maxOffset: 9, lastUpdateTimestamp: 0 }]]);
  assert.throws(() => bodies.decodeTopicStatsTable('{"offsetTable":{{"brokerName":"b","topic":"T"}:{}}}'), /TopicStatsTable.offsetTable key #0.queueId is missing/);
  assert.throws(() => bodies.decodeTopicStatsTable('{"offsetTable":{"T":{}}}'), /TopicStatsTable.offsetTable key #0: expected an object, got string "T"/);
});

test('ResetOffsetBody round trip with MessageQueue keys', () => {
  const body = { offsetTable: [[MQ('T', 0), 12] as [ReturnType<typeof MQ>, number], [MQ('T', 1), 0] as [ReturnType<typeof MQ>, number]] };
  const text = bodies.encodeResetOffsetBody(body).toString();
  assert.equal(text, '{"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"T"}:12,{"brokerName":"broker-a","queueId":1,"topic":"T"}:0}}');
  assert.deepEqual(bodies.decodeResetOffsetBody(text), body);
});

// ------------------------------------------------------------------------------------------ locks

test('41 LOCK_BATCH_MQ request and response decode and re-encode byte for byte', () => {
  const reqBody = frameBody('41-LOCK_BATCH_MQ.request.bin');
  const req = bodies.decodeLockBatchRequestBody(reqBody);
  assert.deepEqual(req, { consumerGroup: 'please_rename_unique_group_name_3', clientId: '192.0.2.2@19685#3675411795823', mqSet: [MQ('TopicTest', 3)] });
  assert.deepEqual(bodies.encodeLockBatchRequestBody(req), reqBody);

  const respBody = frameBody('41-LOCK_BATCH_MQ.response.bin');
  const resp = bodies.decodeLockBatchResponseBody(respBody);
  assert.deepEqual(resp.lockOKMQSet, [MQ('TopicTest', 3)]);
  assert.deepEqual(bodies.encodeLockBatchResponseBody(resp), respBody);
  assert.throws(() => bodies.decodeLockBatchRequestBody('{"clientId":"c","mqSet":[]}'), /LockBatchRequestBody.consumerGroup is missing/);
});

test('UnlockBatchRequestBody writes onlyThisBroker only when set (4.9.8 has no such field)', () => {
  const body = { consumerGroup: 'g', clientId: 'c', mqSet: [MQ('T', 0)], onlyThisBroker: false };
  const text = bodies.encodeUnlockBatchRequestBody(body).toString();
  assert.equal(text, '{"clientId":"c","consumerGroup":"g","mqSet":[{"brokerName":"broker-a","queueId":0,"topic":"T"}]}');
  assert.deepEqual(bodies.decodeUnlockBatchRequestBody(text), body);
  const only = { ...body, onlyThisBroker: true };
  assert.deepEqual(bodies.decodeUnlockBatchRequestBody(bodies.encodeUnlockBatchRequestBody(only)), only);
});

// ------------------------------------------------------------------------------------------ offsets and groups (store files)

test('43 consumer offsets and consumerOffset.json reproduce the captured bytes', () => {
  const body = frameBody('43-GET_ALL_CONSUMER_OFFSET.response.bin');
  const offsets = bodies.decodeConsumerOffsetSerializeWrapper(body);
  assert.deepEqual([...(offsets.offsetTable.get('TopicTest@please_rename_unique_group_name_3') ?? [])], [
    [0, 36],
    [1, 33],
    [2, 64],
    [3, 62],
  ]);
  assert.equal(offsets.offsetTable.get('%RETRY%please_rename_unique_group_name_4@please_rename_unique_group_name_4')?.get(0), 0);
  assert.deepEqual(bodies.encodeConsumerOffsetSerializeWrapper(offsets), body);

  const file = configFile('consumerOffset.json');
  const fromFile = bodies.decodeConsumerOffsetSerializeWrapper(file);
  assert.equal(fromFile.offsetTable.get('TopicTest@please_rename_unique_group_name_4')?.get(0), 1252);
  assert.deepEqual(bodies.encodeConsumerOffsetSerializeWrapper(fromFile, { pretty: true }), file);
  assert.throws(() => bodies.decodeConsumerOffsetSerializeWrapper('{"offsetTable":{"t@g":{0:"x"}}}'), /ConsumerOffsetSerializeWrapper.offsetTable\["t@g"\]\[0\]: expected an integer/);
});

test('45 delay offsets and delayOffset.json reproduce the captured bytes', () => {
  const body = frameBody('45-GET_ALL_DELAY_OFFSET.response.bin');
  const delay = bodies.decodeDelayOffsetSerializeWrapper(body);
  assert.deepEqual([...delay.offsetTable], [[2, 1]]);
  assert.deepEqual(bodies.encodeDelayOffsetSerializeWrapper(delay), body);
  const file = configFile('delayOffset.json');
  assert.deepEqual(bodies.encodeDelayOffsetSerializeWrapper(bodies.decodeDelayOffsetSerializeWrapper(file), { pretty: true }), file);
  assert.equal(bodies.encodeDelayOffsetSerializeWrapper({ offsetTable: new Map() }, { pretty: true }).toString(), '{\n\t"offsetTable":{}\n}');
});

test('201 subscription groups and subscriptionGroup.json reproduce the captured bytes', () => {
  const body = frameBody('201-GET_ALL_SUBSCRIPTIONGROUP_CONFIG.response.bin');
  const wrapper = bodies.decodeSubscriptionGroupWrapper(body);
  assert.deepEqual(wrapper.dataVersion, { counter: 2, timestamp: 1795272815836 });
  assert.equal(wrapper.subscriptionGroupTable.size, 9);
  assert.deepEqual(wrapper.subscriptionGroupTable.get('please_rename_unique_group_name_4'), {
    groupName: 'please_rename_unique_group_name_4',
    consumeEnable: true,
    consumeFromMinEnable: true,
    consumeBroadcastEnable: true,
    retryQueueNums: 1,
    retryMaxTimes: 16,
    brokerId: 0,
    whichBrokerWhenConsumeSlowly: 1,
    notifyConsumerIdsChangedEnable: true,
  });
  assert.deepEqual(bodies.encodeSubscriptionGroupWrapper(wrapper), body);
  const file = configFile('subscriptionGroup.json');
  assert.deepEqual(bodies.encodeSubscriptionGroupWrapper(bodies.decodeSubscriptionGroupWrapper(file), { pretty: true }), file);
});

test('SubscriptionGroupConfig (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP body) round trip and Java defaults', () => {
  const g = bodies.decodeSubscriptionGroupConfig('{"groupName":"G","retryMaxTimes":"3","consumeEnable":false}');
  assert.deepEqual(g, {
    groupName: 'G',
    consumeEnable: false,
    consumeFromMinEnable: true,
    consumeBroadcastEnable: true,
    retryQueueNums: 1,
    retryMaxTimes: 3,
    brokerId: 0,
    whichBrokerWhenConsumeSlowly: 1,
    notifyConsumerIdsChangedEnable: true,
  });
  assert.equal(
    bodies.encodeSubscriptionGroupConfig(g).toString(),
    '{"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":false,"consumeFromMinEnable":true,"groupName":"G",' +
      '"notifyConsumerIdsChangedEnable":true,"retryMaxTimes":3,"retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1}',
  );
  assert.throws(() => bodies.decodeSubscriptionGroupConfig('{"retryMaxTimes":3}'), /SubscriptionGroupConfig.groupName is missing/);
});
