// The dashboard's write actions clicked through in a real browser (chromium via playwright-core) against a real
// NameServer and broker, each result checked against the cluster with the admin library: resetting an offline
// group's offsets by time, and a group's dead-lettered message listed in its DLQ panel and resent to its consumer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { consumerProgress, type GroupProgress } from '../../src/admin/consumer.js';
import { queryDlqMessages } from '../../src/admin/dashboard-queries.js';
import type { MQAdmin } from '../../src/admin/index.js';
import { PushConsumer } from '../../src/client/index.js';
import { startDashboard, type Dashboard } from '../../src/dashboard/server.js';
import { AdminCluster, uniq, waitFor } from '../admin/harness.js';
import { checkPrerequisites, launchBrowser, WEB_DIR, type Browser } from './browser.js';

const WAIT = { timeoutMs: 60_000 };
const QUEUES = 2;
const SENT = 6;

let cluster: AdminCluster;
let admin: MQAdmin;
let dashboard: Dashboard;
let browser: Browser;
let page: Page;
const dlqConsumers: PushConsumer[] = [];

function go(hash: string): Promise<unknown> {
  return page.goto(`${dashboard.url}/#/${hash}`);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The value an `<input type="datetime-local">` takes for a local time (minute precision). */
function localInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

async function progressOf(group: string, topic: string): Promise<GroupProgress['rows']> {
  return (await consumerProgress(admin, group)).rows.filter((r) => r.topic === topic);
}

/** The rows of the reset form's "new offsets" table as "broker queue offset". */
async function newOffsetsShown(): Promise<string[]> {
  const rows = await page.getByRole('table', { name: 'new offsets', exact: true }).locator('tbody tr').allInnerTexts();
  return rows.map((t) => t.trim().split(/\s+/).join(' '));
}

/** The offsets consumerProgress reports, as the reset form's table shows them. */
function asShown(rows: GroupProgress['rows']): string[] {
  return rows.map((r) => `${r.brokerName} ${r.queueId} ${r.consumerOffset}`);
}

/** Fills the group drawer's reset form (already open) and submits it; waits for the offline result. */
async function resetInUi(topic: string, when: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Reset offset' });
  await form.getByLabel('Topic').fill(topic);
  await form.getByLabel('Reset to').fill(when);
  assert.equal(await form.getByLabel('Force (also move offsets forward)').isChecked(), true);
  await form.getByRole('button', { name: 'Reset offset' }).click();
  await form.getByText(`The group is offline: the offsets of ${QUEUES} queue(s) were written.`).waitFor();
}

describe('dashboard UI actions in chromium', { timeout: 300_000 }, () => {
  before(async () => {
    checkPrerequisites();
    cluster = await AdminCluster.start();
    admin = cluster.admin();
    dashboard = await startDashboard({ namesrvAddr: cluster.namesrvAddr, port: 0, staticDir: WEB_DIR, metrics: { intervalMs: 60_000 } });
    browser = await launchBrowser();
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    for (const c of dlqConsumers) await c.shutdown().catch(() => undefined);
    await dashboard?.close();
    await cluster?.stop();
  });

  it('Consumers → group → Reset offset moves an offline group back to the beginning and forward to a later time', async () => {
    const topic = uniq('UiResetTopic');
    const group = uniq('ui_reset_cg');
    await cluster.createTopic(topic, QUEUES);
    const producer = await cluster.producer();
    await cluster.send(topic, SENT, producer);
    const { consumer, seen } = await cluster.consumer(group, topic);
    await waitFor(() => seen.length >= SENT, { ...WAIT, what: 'every message consumed' });
    await waitFor(async () => (await progressOf(group, topic)).reduce((n, r) => n + r.consumerOffset, 0) === SENT, { ...WAIT, what: 'the consumer offsets committed' });
    await consumer.shutdown();
    assert.equal((await consumerProgress(admin, group)).diffTotal, 0);

    await go(`consumers?q=${encodeURIComponent(group)}&group=${encodeURIComponent(group)}`);
    await page.getByRole('tab', { name: 'Reset offset' }).click();

    // To the beginning: every message is to be consumed again.
    await resetInUi(topic, '2000-01-01T00:00');
    const back = await progressOf(group, topic);
    assert.equal(back.length, QUEUES);
    assert.deepEqual(back.map((r) => r.consumerOffset), back.map(() => 0));
    assert.equal((await consumerProgress(admin, group)).diffTotal, SENT);
    assert.deepEqual(await newOffsetsShown(), asShown(back));

    // To a time after every message: as in RocketMQ (ConsumeQueue.getOffsetInQueueByTime), each non-empty queue
    // goes to its last message, which is consumed again; an empty queue stays at 0.
    await resetInUi(topic, localInput(Date.now() + 120_000));
    const later = await waitFor(async () => {
      const rows = await progressOf(group, topic);
      return rows.some((r) => r.consumerOffset > 0) ? rows : undefined;
    }, { ...WAIT, what: 'the offsets moved forward' });
    assert.equal(later.length, QUEUES);
    for (const r of later) assert.equal(r.consumerOffset, Math.max(0, r.brokerOffset - 1), JSON.stringify(r));
    const nonEmpty = later.filter((r) => r.brokerOffset > 0).length;
    assert.equal((await consumerProgress(admin, group)).diffTotal, nonEmpty);
    // The table of new offsets shows what the broker now holds.
    await waitFor(async () => JSON.stringify(await newOffsetsShown()) === JSON.stringify(asShown(later)), { ...WAIT, what: 'the new offsets shown' });
    assert.deepEqual(browser.problems.filter((p) => p.startsWith('page error')), []);
  });

  it('Consumers → group → DLQ lists a dead-lettered message; "Resend to group" has the online consumer consume it', async () => {
    const topic = uniq('UiDlqTopic');
    const group = uniq('ui_dlq_cg');
    const body = `doomed-${uniq('b')}`;
    await cluster.createTopic(topic, 1);
    const consumed: string[] = [];
    let failing = true;
    const consumer = new PushConsumer({ consumerGroup: group, namesrvAddr: cluster.namesrvAddr, maxReconsumeTimes: 1, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    consumer.subscribe(topic, '*');
    consumer.registerMessageListener(async (msgs) => {
      if (failing) return 'RECONSUME_LATER';
      for (const m of msgs) consumed.push(m.body.toString('utf8'));
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    dlqConsumers.push(consumer);
    const producer = await cluster.producer();
    await producer.send({ topic, body, keys: 'dlq-key' });
    const dead = await waitFor(async () => {
      const r = await queryDlqMessages(admin, { group, begin: 0, end: Date.now() + 60_000 });
      return r.messages.length > 0 ? r.messages : undefined;
    }, { ...WAIT, what: 'the message in the DLQ after its retries' });
    assert.equal(dead.length, 1);
    const msgId = dead[0]!.msgId;
    failing = false;

    await go(`consumers?q=${encodeURIComponent(group)}&group=${encodeURIComponent(group)}`);
    await page.getByRole('tab', { name: 'DLQ' }).click();
    const row = page.getByRole('table', { name: 'messages', exact: true }).getByRole('row').filter({ hasText: msgId });
    await row.waitFor();
    assert.match(await row.innerText(), /dlq-key/);
    assert.equal(await page.getByRole('table', { name: 'messages', exact: true }).locator('tbody tr').count(), 1);
    await row.click();
    await page.getByTestId('message-body').filter({ hasText: body }).waitFor();

    const form = page.getByRole('form', { name: 'Resend message' });
    assert.equal(await form.getByLabel('Consumer group').inputValue(), group);
    await form.getByRole('button', { name: 'Resend to group' }).click();
    const results = form.getByRole('table', { name: 'resend results', exact: true }).locator('tbody tr');
    await results.filter({ hasText: 'CR_SUCCESS' }).waitFor();
    assert.equal(await results.count(), 1);
    assert.ok((await results.first().innerText()).includes(consumer.clientId));
    // The effect: the group's consumer got the dead-lettered message's body once, directly.
    assert.deepEqual(consumed, [body]);
    assert.deepEqual(browser.problems.filter((p) => p.startsWith('page error')), []);
  });
});
