// The dashboard in a real browser: Debian's chromium (playwright-core) on the built UI (dist/web) served by
// startDashboard, against a real NameServer and broker. Each page is checked against live values and against what
// the real mqadmin CLI prints, and a screenshot of each page is kept in docs/dashboard/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startDashboard, type Dashboard } from '../../src/dashboard/server.js';
import type { Producer } from '../../src/client/index.js';
import { AdminCluster, runProcess, uniq, waitFor } from '../admin/harness.js';
import { checkPrerequisites, launchBrowser, screenshot, WEB_DIR, type Browser } from './browser.js';

const SENT_BEFORE_CONSUMER = 8;
const SENT_AFTER_CONSUMER = 5;
/** Messages sent after the group went offline: its lag (the UI and the Dashboard test add to it). */
let backlog = 0;
let producer: Producer;

let cluster: AdminCluster;
let dashboard: Dashboard;
let browser: Browser;
let page: Page;
const topic = uniq('UiTopic');
const group = uniq('ui_cg');
const producerGroup = uniq('ui_pg');

async function mqadmin(...args: string[]): Promise<string> {
  const r = await runProcess([...args, '-n', cluster.namesrvAddr]);
  assert.equal(r.code, 0, `mqadmin ${args.join(' ')} failed: ${r.err}`);
  return r.out;
}

async function diffTotalFromCli(): Promise<number> {
  const out = await mqadmin('consumerProgress', '-g', group);
  const m = /^Diff Total: (-?\d+)$/m.exec(out);
  assert.ok(m, `no "Diff Total" in:\n${out}`);
  return Number(m[1]);
}

async function consumerOffsetTotal(): Promise<number> {
  const r = await cluster.run('consumerProgress', '-g', group);
  const rows = r.out.split('\n').filter((l) => l.startsWith(topic));
  return rows.reduce((n, l) => n + Number(l.trim().split(/\s+/)[4]), 0);
}

/** A topic with 13 messages, a group that consumed the first 8 and went offline (lag 5), an online producer. */
async function seedCluster(): Promise<void> {
  await cluster.createTopic(topic, 4);
  producer = await cluster.producer(producerGroup);
  await cluster.send(topic, SENT_BEFORE_CONSUMER, producer);
  const consumer = await cluster.consumer(group, topic);
  await waitFor(() => consumer.seen.length >= SENT_BEFORE_CONSUMER, { timeoutMs: 60_000, what: 'the first messages consumed' });
  await waitFor(async () => (await consumerOffsetTotal()) === SENT_BEFORE_CONSUMER, { timeoutMs: 60_000, what: 'consumer offsets committed' });
  await consumer.consumer.shutdown();
  await cluster.send(topic, SENT_AFTER_CONSUMER, producer);
  backlog = SENT_AFTER_CONSUMER;
}

function go(hash: string): Promise<unknown> {
  return page.goto(`${dashboard.url}/#/${hash}`);
}

function table(name: string) {
  return page.getByRole('table', { name, exact: true });
}

describe('dashboard UI in chromium', () => {
  before(async () => {
    checkPrerequisites();
    cluster = await AdminCluster.start();
    await seedCluster();
    dashboard = await startDashboard({ namesrvAddr: cluster.namesrvAddr, port: 0, staticDir: WEB_DIR, metrics: { intervalMs: 1000, topicListRefreshMs: 1000 } });
    browser = await launchBrowser();
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await dashboard?.close();
    await cluster?.stop();
  });

  it('Cluster: the broker with its address, role and version; a click shows its runtime info', async () => {
    await go('cluster');
    const row = table('brokers').getByRole('row').filter({ hasText: cluster.brokerAddr() });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, /DefaultCluster/);
    assert.match(text, /broker-a/);
    assert.match(text, /master/);
    assert.match(text, /V4_9_8/);
    await page.getByTestId('header-status').filter({ hasText: 'live · 1 broker' }).waitFor();
    await screenshot(page, 'cluster');
    await row.click();
    const runtime = table('runtime info');
    await runtime.getByRole('row').filter({ hasText: 'brokerVersionDesc' }).filter({ hasText: 'V4_9_8' }).waitFor();
  });

  it('Dashboard: charts per broker and per topic from the server samples', async () => {
    await go('dashboard');
    await page.locator('.chart').first().waitFor();
    await page.locator('.chart .u-legend').first().getByText('broker-a in').waitFor();
    assert.equal(await page.locator('.chart canvas').count(), 2);
    // Load while the server samples, until the topic is among the top topics (the page refreshes every 10 s).
    const topicLegend = page.locator('.chart .u-legend').nth(1).getByText(topic);
    await waitFor(
      async () => {
        await cluster.send(topic, 5, producer);
        backlog += 5;
        return (await topicLegend.count()) > 0;
      },
      { timeoutMs: 60_000, what: `${topic} in the top topics chart`, intervalMs: 200 },
    );
    await screenshot(page, 'dashboard');
  });

  it('Topics: search finds the topic; its status counts every message sent; retry topics are filtered', async () => {
    await go('topics');
    await page.getByRole('searchbox', { name: 'Search topics' }).fill(topic);
    const row = table('topics').getByRole('row').filter({ hasText: topic });
    await row.waitFor();
    assert.equal(await table('topics').locator('tbody tr').count(), 1);
    await page.getByRole('group', { name: 'Topic kinds' }).getByLabel('Retry').check();
    await table('topics').getByRole('row').filter({ hasText: `%RETRY%${group}` }).waitFor();
    await page.getByRole('group', { name: 'Topic kinds' }).getByLabel('System').check();
    await page.getByRole('searchbox', { name: 'Search topics' }).fill('');
    await table('topics').getByRole('row').filter({ hasText: 'TBW102' }).waitFor();
    await screenshot(page, 'topics');
    await page.getByRole('group', { name: 'Topic kinds' }).getByLabel('Retry').uncheck();
    await page.getByRole('group', { name: 'Topic kinds' }).getByLabel('System').uncheck();
    await table('topics').getByRole('row').filter({ hasText: `%RETRY%${group}` }).waitFor({ state: 'detached' });
    await row.click();
    await page.getByText(`${SENT_BEFORE_CONSUMER + backlog} message(s) stored in 4 queue(s).`).waitFor();
    await screenshot(page, 'topic-detail');
  });

  it('a topic created in the UI shows up in mqadmin topicList', async () => {
    const created = uniq('UiCreated');
    await go('topics?new=1');
    const form = page.getByRole('form', { name: 'Create topic' });
    await form.getByRole('textbox', { name: 'Topic' }).fill('bad topic!');
    await form.getByRole('button', { name: 'Create topic' }).click();
    await form.getByText('Topic may only contain letters, digits').waitFor();
    await form.getByRole('textbox', { name: 'Topic' }).fill(created);
    await form.getByLabel('Write queues').fill('2');
    await form.getByLabel('Read queues').fill('2');
    await form.getByRole('button', { name: 'Create topic' }).click();
    await form.getByText(`Topic ${created} saved.`).waitFor();
    await waitFor(async () => (await mqadmin('topicList')).split('\n').map((l) => l.trim()).includes(created), {
      timeoutMs: 60_000,
      what: `${created} in mqadmin topicList`,
    });
    // Deleting asks first, then the topic is gone from the list and from mqadmin topicList.
    await go(`topics?q=${created}&topic=${created}`);
    await page.getByRole('button', { name: 'Delete topic' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Delete topic' });
    await dialog.getByText(created).waitFor();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await dialog.waitFor({ state: 'detached' });
    await table('topics').getByText(`No topic matches “${created}”.`).waitFor();
    await waitFor(async () => !(await mqadmin('topicList')).split('\n').map((l) => l.trim()).includes(created), {
      timeoutMs: 60_000,
      what: `${created} gone from mqadmin topicList`,
    });
  });

  it('a group created in the UI opens with its settings on the Update tab', async () => {
    const created = uniq('ui_new_cg');
    await go('consumers?new=1');
    const form = page.getByRole('form', { name: 'Create group' });
    await form.getByRole('textbox', { name: 'Group' }).fill(created);
    await form.getByRole('textbox', { name: 'Max retries' }).fill('5');
    await form.getByRole('button', { name: 'Create group' }).click();
    await form.getByText(`Group ${created} saved on 1 of 1 broker(s).`).waitFor();
    await go(`consumers?q=${created}&group=${created}`);
    await page.getByRole('tab', { name: 'Update' }).click();
    const update = page.getByRole('form', { name: 'Update group' });
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('form[aria-label="Update group"] input[name=retryMaxTimes]')?.value === '5');
    assert.equal(await update.getByRole('textbox', { name: 'Cluster' }).inputValue(), 'DefaultCluster');
  });

  it('a message sent from the UI is found by key on the Messages page with its body', async () => {
    const key = uniq('uikey');
    const body = `{"sentFrom":"dashboard","key":"${key}"}`;
    await go(`topics?topic=${encodeURIComponent(topic)}`);
    await page.getByRole('tab', { name: 'Send message' }).click();
    const form = page.getByRole('form', { name: 'Send message' });
    await form.getByLabel('Tag').fill('UiTag');
    await form.getByLabel('Keys').fill(key);
    await form.getByLabel('Body').fill(body);
    await form.getByRole('button', { name: 'Send message' }).click();
    await page.getByTestId('send-result').getByText('SEND_OK').waitFor();
    backlog += 1;
    await page.getByRole('link', { name: 'Find it by key in Messages' }).click();
    // The key index is written just after the message: search again until it is there.
    const row = table('messages').getByRole('row').filter({ hasText: key });
    await waitFor(
      async () => {
        await table('messages').or(page.getByRole('alert')).first().waitFor();
        if ((await row.count()) > 0) return true;
        await page.getByRole('button', { name: 'Search' }).click();
        return false;
      },
      { timeoutMs: 60_000, what: `the message with key ${key} on the Messages page`, intervalMs: 500 },
    );
    assert.match(await row.innerText(), /UiTag/);
    await row.click();
    await page.getByTestId('message-body').filter({ hasText: body }).waitFor();
    await page.getByRole('tab', { name: 'JSON' }).click();
    await page.getByTestId('message-body').filter({ hasText: '"sentFrom": "dashboard"' }).waitFor();
    await screenshot(page, 'messages');
  });

  it('Consumers: the lag shown equals mqadmin consumerProgress "Diff Total"', async () => {
    const expected = await diffTotalFromCli();
    assert.equal(expected, backlog, 'the CLI counts every message sent after the group went offline');
    await go(`consumers?q=${encodeURIComponent(group)}`);
    const row = table('consumer groups').getByRole('row').filter({ hasText: group });
    await row.waitFor();
    assert.equal(await row.getByTestId('group-lag').innerText(), String(expected));
    assert.match(await row.innerText(), /offline/);
    await row.click();
    await page.getByTestId('group-diff-total').filter({ hasText: String(expected) }).waitFor();
    const queues = table('consumer progress').locator('tbody tr').filter({ hasText: topic });
    assert.equal(await queues.count(), 4);
    await screenshot(page, 'consumers');
  });

  it('Producers: the online producer of the group and topic', async () => {
    await go('producers');
    const form = page.getByRole('form', { name: 'Producer query' });
    await form.getByLabel('Producer group').fill(producerGroup);
    await form.getByRole('textbox', { name: 'Topic' }).fill(topic);
    await form.getByRole('button', { name: 'Show connections' }).click();
    const rows = table('producer connections').locator('tbody tr');
    await rows.first().waitFor();
    const text = await rows.first().innerText();
    assert.match(text, /127\.0\.0\.1/);
    assert.match(text, /V4_9_8/);
    await screenshot(page, 'producers');
  });

  it('NameServers: the list and config; a dead NameServer is reported in words, then the list is switched back', async () => {
    await go('namesrv');
    const input = page.getByRole('form', { name: 'Switch NameServers' }).getByLabel('NameServer list');
    await page.waitForFunction((addr) => document.querySelector<HTMLInputElement>('input[name=addrs]')?.value === addr, cluster.namesrvAddr);
    await table(`config of ${cluster.namesrvAddr}`).getByRole('row').filter({ hasText: 'listenPort' }).waitFor();
    await screenshot(page, 'namesrv');
    try {
      await input.fill('127.0.0.1:1');
      await page.getByRole('button', { name: 'Switch' }).click();
      await page.getByText('Now using 127.0.0.1:1.').waitFor();
      await page.getByTestId('header-status').filter({ hasText: /NameServer/i }).waitFor();
      await go('cluster');
      const alert = page.getByRole('alert').first();
      await alert.waitFor();
      assert.match(await alert.innerText(), /NameServer.*127\.0\.0\.1:1/i);
      await screenshot(page, 'error');
    } finally {
      await fetch(`${dashboard.url}/api/namesrv`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ addrs: cluster.namesrvAddr }),
      });
    }
    await page.reload();
    await table('brokers').getByRole('row').filter({ hasText: cluster.brokerAddr() }).waitFor();
    assert.deepEqual(browser.problems.filter((p) => p.startsWith('page error')), []);
  });
});
