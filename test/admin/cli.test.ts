// The mqadmin command line itself: the command listing, -h on every command with every option of the seed guides'
// table, and the failure contract (exit status 1 and a one-line reason) as an operator's shell sees it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { runMqadmin } from '../../src/cli/mqadmin/main.js';
import { AdminCluster, runProcess } from './harness.js';

/** Every command of the seed guides' mqadmin table with the option letters listed for it (plus -h and -n). */
const SEED_TABLE: Record<string, string[]> = {
  updateTopic: ['b', 'c', 'p', 'r', 'w', 't'],
  deleteTopic: ['c', 't'],
  topicList: ['c'],
  topicRoute: ['t'],
  topicStatus: ['t'],
  topicClusterList: ['t'],
  updateTopicPerm: ['t', 'b', 'p', 'c'],
  updateOrderConf: ['t', 'v', 'm'],
  allocateMQ: ['t', 'i'],
  statsAll: ['a', 't'],
  clusterList: ['m', 'i'],
  clusterRT: ['a', 's', 'c', 'p', 'm', 'i'],
  updateBrokerConfig: ['b', 'c', 'k', 'v'],
  brokerStatus: ['b'],
  brokerConsumeStats: ['b', 't', 'l', 'o'],
  getBrokerConfig: ['b'],
  wipeWritePerm: ['b'],
  cleanExpiredCQ: ['b', 'c'],
  cleanUnusedTopic: ['b', 'c'],
  sendMsgStatus: ['b', 's', 'c'],
  queryMsgById: ['i'],
  queryMsgByKey: ['k', 't'],
  queryMsgByOffset: ['b', 'i', 'o', 't'],
  queryMsgByUniqueKey: ['i', 'g', 'd', 't'],
  checkMsgSendRT: ['t', 'a', 's'],
  sendMessage: ['t', 'p', 'k', 'c', 'b', 'i'],
  consumeMessage: ['t', 'b', 'o', 'i', 'g', 's', 'd', 'c'],
  printMsg: ['t', 'c', 's', 'b', 'e', 'd'],
  printMsgByQueue: ['t', 'i', 'a', 'c', 's', 'b', 'e', 'p', 'd', 'f'],
  resetOffsetByTime: ['g', 't', 's', 'f', 'c'],
  consumerProgress: ['g', 's'],
  consumerStatus: ['g', 'i', 's'],
  getConsumerStatus: ['g', 't', 'i'],
  updateSubGroup: ['b', 'c', 'g', 's', 'm', 'd', 'q', 'r', 'i', 'w', 'a'],
  deleteSubGroup: ['b', 'c', 'g'],
  cloneGroupOffset: ['s', 'd', 't', 'o'],
  consumerConnection: ['g'],
  producerConnection: ['g', 't'],
  updateKvConfig: ['s', 'k', 'v'],
  deleteKvConfig: ['s', 'k'],
  getNamesrvConfig: [],
  updateNamesrvConfig: ['k', 'v'],
  startMonitoring: [],
};

const GROUPS = ['Topic', 'Cluster', 'Broker', 'Message', 'Consumer', 'Connection', 'NameServer', 'Other'];
const MQADMIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'mqadmin.js');

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runMqadmin(args, { env, out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

let c: AdminCluster;

before(async () => {
  c = await AdminCluster.start();
});

after(async () => {
  await c.stop();
});

test('mqadmin alone lists every command of the seed table, grouped as the table groups them', async () => {
  const r = await runProcess([]);
  assert.equal(r.code, 0, r.err);
  const headings = r.out.split('\n').filter((l) => /^[A-Za-z]+:$/.test(l)).map((l) => l.slice(0, -1));
  assert.deepEqual(headings, GROUPS);
  const listed = r.out.split('\n').filter((l) => l.startsWith('   ')).map((l) => l.trim().split(/\s+/)[0]);
  for (const name of Object.keys(SEED_TABLE)) assert.ok(listed.includes(name), `${name} is listed`);
  const under = (group: string): string[] => {
    const lines = r.out.split('\n');
    const start = lines.indexOf(`${group}:`);
    const out: string[] = [];
    for (let i = start + 1; i < lines.length && lines[i]!.startsWith('   '); i++) out.push(lines[i]!.trim().split(/\s+/)[0]!);
    return out;
  };
  assert.deepEqual(under('Cluster'), ['clusterList', 'clusterRT']);
  assert.deepEqual(under('Connection'), ['consumerConnection', 'producerConnection']);
  assert.deepEqual(under('NameServer'), ['updateKvConfig', 'deleteKvConfig', 'getNamesrvConfig', 'updateNamesrvConfig']);
});

test('-h on every command: exit 0, the usage line and every option letter of the seed table, plus -h and -n', async () => {
  for (const [name, letters] of Object.entries(SEED_TABLE)) {
    const r = await run([name, '-h']);
    assert.equal(r.code, 0, `${name}: ${r.err}`);
    assert.ok(r.out.startsWith(`usage: mqadmin ${name}`), r.out);
    for (const letter of ['h', 'n', ...letters]) assert.match(r.out, new RegExp(`^ -${letter},--\\S+`, 'm'), `${name} -${letter}`);
    assert.deepEqual(await run(['help', name]), r, `mqadmin help ${name}`);
  }
  // Command names are matched ignoring case, as MQAdminStartup does.
  assert.equal((await run(['TOPICLIST', '-h'])).code, 0);
});

test('a bad option, a missing required option, an unknown command: exit 1 and one line on stderr', async () => {
  for (const args of [['topicRoute', '-t', 'x', '-z'], ['topicRoute'], ['topicRoute', '-t'], ['nosuchCommand'], ['topicRoute', '-t', 'x', 'extra']]) {
    const r = await runProcess(args, { NAMESRV_ADDR: c.namesrvAddr });
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.out}`);
    assert.equal(r.out, '');
    assert.equal(r.err.split('\n').length, 2, `${args.join(' ')}: one line, got ${JSON.stringify(r.err)}`);
  }
  assert.equal((await runProcess(['topicRoute'])).err, "mqadmin topicRoute: Missing required option: t (see 'mqadmin topicRoute -h')\n");
  assert.equal((await runProcess(['nosuchCommand'])).err, 'The sub command nosuchCommand not exist.\n');
  const badInt = await run(['updateTopic', '-c', 'DefaultCluster', '-t', 'T', '-r', 'many'], { NAMESRV_ADDR: c.namesrvAddr });
  assert.equal(badInt.code, 1);
  assert.equal(badInt.err, 'updateTopic command failed: option -r: "many" is not an integer\n');
});

test('unreachable NameServer, or none given: exit 1 with the reason on one line', async () => {
  const down = await runProcess(['clusterList', '-n', '127.0.0.1:1']);
  assert.equal(down.code, 1);
  assert.equal(down.out, '');
  assert.match(down.err, /^clusterList command failed: get cluster info: no NameServer of \[127\.0\.0\.1:1\] answered \(connect to 127\.0\.0\.1:1 failed: .*\)\n$/);
  const none = await runProcess(['topicList']);
  assert.equal(none.code, 1);
  assert.equal(none.err, 'topicList command failed: no NameServer address: use -n "ip:port;ip:port" or set NAMESRV_ADDR\n');
  const bad = await runProcess(['topicList', '-n', 'nonsense']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^topicList command failed: bad NameServer address "nonsense"/);
});

test('a NameServer list: -n wins over NAMESRV_ADDR, and a dead first entry fails over to the next', async () => {
  const r = await runProcess(['clusterList', '-n', `127.0.0.1:1;${c.namesrvAddr}`], { NAMESRV_ADDR: '127.0.0.1:2' });
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`^DefaultCluster\\s+broker-a\\s+0\\s+${c.brokerAddr().replace(/\./g, '\\.')}\\s+V4_9_8\\s`, 'm'));
  const env = await runProcess(['topicList'], { NAMESRV_ADDR: c.namesrvAddr });
  assert.equal(env.code, 0, env.err);
  assert.ok(env.out.split('\n').includes('TBW102'));
});

/** Spawns mqadmin, waits until stdout matches `ready`, sends SIGTERM and resolves with the exit status and output. */
function runUntil(args: string[], ready: (out: string) => boolean): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MQADMIN, ...args], { env: { PATH: process.env.PATH, NAMESRV_ADDR: c.namesrvAddr }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let signalled = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ready output from mqadmin ${args.join(' ')}: ${out} ${err}`));
    }, 20_000);
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      out += t;
      if (!signalled && ready(out)) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (t: string) => (err += t));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
    if (args[0] === 'startMonitoring') {
      // It prints nothing for its first 20 s: stop it while it waits.
      setTimeout(() => {
        signalled = true;
        child.kill('SIGTERM');
      }, 500);
    }
  });
}

test('the repeating commands (clusterList -i, clusterRT, startMonitoring) run until SIGTERM, then exit 0', async () => {
  const list = await runUntil(['clusterList', '-i', '1'], (out) => out.split('#Cluster Name').length > 2);
  assert.equal(list.code, 0, list.err);
  assert.ok(list.out.split('\n').filter((l) => l.startsWith('DefaultCluster')).length >= 2);
  const rt = await runUntil(['clusterRT', '-a', '2', '-i', '1'], (out) => /^DefaultCluster\s+broker-a\s+\d+\.\d\d\s+\d+\s+\d+\s*$/m.test(out));
  assert.equal(rt.code, 0, rt.err);
  assert.match(rt.out, /^#Cluster Name\s+#Broker Name\s+#RT\s+#successCount\s+#failCount$/m);
  const mon = await runUntil(['startMonitoring'], () => false);
  assert.equal(mon.code, 0, mon.err);
});
