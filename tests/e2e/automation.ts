/**
 * Automation in the admin (issue 14, item 13): a Marketing Operations user builds a high-risk rule
 * in the IF→THEN editor (an event trigger, a condition from the rule builder, a webhook to a real
 * local HTTP receiver, a wait, a notification), tests it against a customer, submits it; the
 * author cannot approve it, Management does; an interaction written through the Content Manager's
 * API fires it, the logs show the delivery sent and the receiver got it once; a refused delivery
 * is dead-lettered and retried from the logs; webhook endpoints are created, held, rotated and
 * removed on their tab; in 中文 the editor has no English left.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { startReceiver } from '../automation-channels/receiver';
import { adminCall, adminLogin, ensureRoleUser } from './api';
import { api, e2e, login, MARKETING, PLUGIN, shot } from './context';
import { test } from './harness';
import { chooseByName, chooseWithKeyboard, setAdminLanguage } from './ui';

const MANAGEMENT = { email: 'e2e-approver@client-insights.test', password: 'E2eApprover12345!' };
const RULE = 'E2E form follow-up';
const CUSTOMER = 'E2E Automation Lin';
const ENDPOINT = 'E2E receiver';
const NOTE_EN = 'Call back about the form';
const NOTE_ZH = '请回电跟进表单';

const state = {
  receiver: undefined as unknown as Awaited<ReturnType<typeof startReceiver>>,
  marketing: undefined as unknown as BrowserContext,
  page: undefined as unknown as Page,
  customer: { id: 0, documentId: '' },
  ruleDoc: '',
  tagName: '',
};

/** Polls until `done` holds, failing with `what` after `ms`. */
const until = async (what: string, done: () => boolean | Promise<boolean>, ms = 90_000) => {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
};

/** A form submitted by the test customer, written through the Content Manager's API (as an integrator's form would). */
const submitForm = async () => {
  const res = await api('POST', '/content-manager/collection-types/api::interaction.interaction', {
    type: 'form_submitted',
    occurred_at: new Date().toISOString(),
    channel: 'web',
    customer: { connect: [{ documentId: state.customer.documentId }] },
  });
  if (res.status >= 300) throw new Error(`interaction: ${res.status} ${JSON.stringify(res.body)}`);
};

/** A design-system select opened with the mouse; the option chosen by its visible name. */
const pick = async (p: Page, combobox: Locator, option: RegExp) => {
  await combobox.click();
  await p.getByRole('option', { name: option }).first().click();
  await p.getByRole('option').first().waitFor({ state: 'detached' });
};

/** The Logs tab's lines of a status and action; waiting refreshes the list until one shows. */
const logLine = (p: Page, status: string, action: string) => p.locator(`[data-testid="ci-automation-log"][data-status="${status}"][data-action="${action}"]`);
const waitForLogLine = async (p: Page, status: string, action: string) => {
  await until(
    `a ${action} log line "${status}"`,
    async () => {
      await p.click('[data-testid="ci-automation-logs-refresh"]');
      await p.waitForTimeout(700);
      return (await logLine(p, status, action).count()) > 0;
    },
    120_000
  );
};

export const registerAutomationSteps = () => {
  test('automation: a Marketing user builds a high-risk rule in the IF→THEN editor with mouse and keyboard', async () => {
    state.receiver = await startReceiver();
    await ensureRoleUser(e2e.server.url, e2e.token, 'Marketing Operations', MARKETING.email, MARKETING.password);
    await ensureRoleUser(e2e.server.url, e2e.token, 'Management', MANAGEMENT.email, MANAGEMENT.password);
    // Set up by an administrator: the endpoint the rule posts to, and the customer it is tested on
    // (signed, with one form already submitted, so the test mode's trigger matches).
    const endpoint = await api('POST', '/client-insights/automation/webhook-endpoints', { name: ENDPOINT, url: `${state.receiver.url}/hooks` });
    if (endpoint.status !== 201) throw new Error(`endpoint: ${endpoint.status} ${JSON.stringify(endpoint.body)}`);
    const customer = await api('POST', '/content-manager/collection-types/api::customer.customer', { name: CUSTOMER, stage: 'signed', language: 'en' });
    if (customer.status >= 300) throw new Error(`customer: ${customer.status} ${JSON.stringify(customer.body)}`);
    state.customer = { id: customer.body.data.id, documentId: customer.body.data.documentId };
    await submitForm();
    // A tag the editor's picker finds by name.
    state.tagName = `E2E picked tag ${Date.now()}`;
    const tag = await api('POST', '/client-insights/tags', { name: state.tagName, category: 'basic' });
    if (tag.status !== 201) throw new Error(`tag: ${tag.status} ${JSON.stringify(tag.body)}`);
    // More segments than the picker's first page (50): the last one is found only by asking the server.
    // They share the rule the editor builds below, as a copied segment would.
    const stamp = Date.now();
    const segmentIds: number[] = [];
    for (let i = 0; i <= 50; i += 1) {
      const name = i === 50 ? `E2E far segment ${stamp}` : `E2E filler ${stamp} ${i}`;
      const created = await api('POST', '/client-insights/segments', { data: { name, rule: { '==': [{ var: 'customer.stage' }, 'signed'] }, execute: false } });
      if (created.status !== 201) throw new Error(`segment: ${created.status} ${JSON.stringify(created.body)}`);
      segmentIds.push(created.body.data.id);
    }

    state.marketing = await e2e.browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const p = (state.page = await state.marketing.newPage());
    await login(p, MARKETING);
    await p.goto(`${e2e.server.url}${PLUGIN}/automation`);
    await p.click('[data-testid="ci-automation-new"]');
    const dialog = p.getByRole('dialog');
    await dialog.locator('[data-testid="ci-automation-name"]').fill(RULE);
    // IF: an event trigger, "Form submitted" (mouse).
    await pick(p, dialog.getByRole('combobox', { name: 'Trigger' }), /^When an event happens$/);
    await pick(p, dialog.getByRole('combobox', { name: 'Event' }), /^Form submitted$/);
    // Only forms submitted on the web (the test's form is).
    await dialog.getByLabel('Channel').fill('web');
    // A condition from the rule builder: search the catalogue, add "Stage" with Enter, choose Signed from the keyboard.
    await dialog.getByText('Only when these conditions hold').click();
    await dialog.locator('input[name="catalogue-search"]').focus();
    await p.keyboard.type('stage');
    await dialog.locator('[data-testid="ci-field-customer.stage"]').focus();
    await p.keyboard.press('Enter');
    const condition = dialog.locator('[data-testid="ci-condition"]').first();
    await condition.waitFor();
    const nodeId = await condition.getAttribute('data-node-id');
    await chooseWithKeyboard(p, `[data-testid="ci-value-${nodeId}"] [role="combobox"]`, /^Signed$/);
    // The 51 segments set up above have this very rule: three are named, the others counted in one line.
    await dialog.locator('[data-testid="ci-condition-warning-more"]').first().waitFor();
    const sameRule = (await dialog.locator('[data-testid="ci-condition-warning"]').allInnerTexts()).filter((w) => w.startsWith('Same rule as the segment'));
    if (sameRule.length !== 3) throw new Error(`${sameRule.length} segments named with the same rule, wanted 3`);

    // THEN: the first step becomes a webhook to the receiver, picked by name (no id typed).
    const steps = dialog.locator('[data-testid="ci-automation-step"]');
    await pick(p, steps.nth(0).getByRole('combobox', { name: 'Action' }), /^Call a webhook$/);
    await pick(p, steps.nth(0).getByRole('combobox', { name: 'Webhook endpoint' }), new RegExp(`^${ENDPOINT} · `));
    // A wait of 2 hours (keyboard in the amount), then a notification written in English and Chinese.
    await dialog.locator('[data-testid="ci-step-add-wait"]').click();
    const amount = steps.nth(1).getByLabel('Amount');
    await amount.focus();
    await p.keyboard.press('Control+A');
    await p.keyboard.type('2');
    await pick(p, steps.nth(1).getByRole('combobox', { name: 'Unit' }), /^hours$/);
    await dialog.locator('[data-testid="ci-step-add-action"]').click();
    await steps.nth(2).getByLabel('Message (English)').fill(NOTE_EN);
    await pick(p, dialog.getByRole('combobox', { name: 'Texts in' }), /^Simplified Chinese$/);
    await steps.nth(2).getByLabel('Message (Simplified Chinese)').fill(NOTE_ZH);
    // A tag is picked by its name from the keyboard (no id typed); the step is then removed again,
    // so the rule stays the one the later tests deliver.
    await dialog.locator('[data-testid="ci-step-add-action"]').click();
    await pick(p, steps.nth(3).getByRole('combobox', { name: 'Action' }), /^Add or remove a tag$/);
    await chooseByName(p, steps.nth(3).getByRole('combobox', { name: 'Tag' }), state.tagName);
    await steps.nth(3).getByRole('button', { name: 'Remove step' }).click();
    await steps.nth(3).waitFor({ state: 'detached' });
    // Guard rails: every form counts, and no quiet hours (the test must not depend on the hour).
    await pick(p, dialog.getByRole('combobox', { name: 'Re-entry' }), /^Every time$/);
    await dialog.getByText('Respect quiet hours').click();
    // The exit segment, found by name past the first page, then cleared again (the rule must not stop).
    const exitPicker = dialog.getByRole('combobox', { name: 'Stop when the customer leaves segment' });
    await chooseByName(p, exitPicker, `E2E far segment ${stamp}`);
    // The innermost box holding both the picker and a Clear button: the picker's own.
    const exitBox = dialog
      .locator('div')
      .filter({ has: p.getByRole('combobox', { name: 'Stop when the customer leaves segment' }) })
      .filter({ has: p.getByRole('button', { name: 'Clear' }) })
      .last();
    await exitBox.getByRole('button', { name: 'Clear' }).click();
    if ((await exitPicker.inputValue()) !== '') throw new Error('the exit segment was not cleared');
    for (const id of segmentIds) await api('DELETE', `/client-insights/segments/${id}`);
    await shot(p, 'automation-01-editor');
    await dialog.locator('[data-testid="ci-automation-save"]').click();
    await dialog.waitFor({ state: 'detached' });

    const rules = await api('GET', '/client-insights/automation/rules?pageSize=100');
    const rule = (rules.body.data as any[]).find((r) => r.name === RULE);
    if (!rule) throw new Error('the saved rule is not listed');
    state.ruleDoc = rule.documentId;
    const def = rule.definition;
    const check = (what: string, got: unknown, want: unknown) => {
      if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`saved ${what}: ${JSON.stringify(got)}, wanted ${JSON.stringify(want)}`);
    };
    check('trigger', def.trigger, { type: 'event', event: 'interaction.form_submitted', filters: { channel: 'web' } });
    if (!/customer\.stage.*signed/.test(JSON.stringify(def.conditions))) throw new Error(`saved conditions ${JSON.stringify(def.conditions)}`);
    check(
      'steps',
      def.steps.map((s: any) => s.action?.type ?? s.kind),
      ['webhook', 'wait', 'notify']
    );
    check('endpoint', def.steps[0].action.endpointId, endpoint.body.data.id);
    check('wait', def.steps[1].duration, { amount: 2, unit: 'hours' });
    check('message', def.steps[2].action.message, { en: NOTE_EN, 'zh-Hans': NOTE_ZH });
    check('guard', [def.guard.quietHours, def.guard.reentry.mode], [false, 'every']);
    const detail = await api('GET', `/client-insights/automation/rules/${state.ruleDoc}`);
    if (!detail.body.data.risk?.highRisk) throw new Error(`not high risk: ${JSON.stringify(detail.body.data.risk)}`);
  });

  test('automation: the test panel shows the trigger match, the condition values and the rendered webhook for a chosen customer', async () => {
    const p = state.page;
    const row = p.locator(`[data-testid="ci-automation-rule-${state.ruleDoc}"]`);
    await row.locator('[data-testid="ci-automation-test"]').click();
    await p.locator('[data-testid="ci-automation-test-search"]').fill(CUSTOMER);
    await p.locator('[data-testid="ci-automation-test-customer"]', { hasText: CUSTOMER }).first().click();
    await p.locator('[data-testid="ci-automation-test-run"]').click();
    const result = p.locator('[data-testid="ci-automation-test-result"]');
    await result.waitFor();
    if ((await result.locator('[data-testid="ci-automation-test-trigger"]').getAttribute('data-matches')) !== 'true')
      throw new Error('the trigger does not match');
    const conditions = result.locator('[data-testid="ci-automation-test-condition"]');
    if ((await conditions.count()) !== 1 || (await conditions.first().getAttribute('data-value')) !== 'true')
      throw new Error('the stage condition is not shown true');
    // Worded as the builder words it, not as its JSON.
    const worded = await conditions.first().locator('[data-testid="ci-rule-sentences"]').innerText();
    if (worded.includes('{') || !worded.trim()) throw new Error(`the condition reads "${worded}"`);
    const webhook = result.locator('[data-testid="ci-automation-test-step"][data-action="webhook"]');
    if ((await webhook.getAttribute('data-outcome')) !== 'run') throw new Error('the webhook step would not run');
    const payload = JSON.parse(await webhook.locator('[data-testid="ci-automation-test-payload"]').innerText());
    if (payload.customer?.name !== CUSTOMER || payload.customer?.id !== state.customer.id) throw new Error(`rendered payload ${JSON.stringify(payload)}`);
    await webhook.getByText(state.receiver.url).waitFor();
    // The wait's end is shown in the customer's time zone, named (the browser's zone is the machine's).
    const zone = (await api('POST', `/client-insights/automation/rules/${state.ruleDoc}/test`, { data: { customerId: state.customer.id } })).body.data.timezone;
    if (!zone) throw new Error('the test answered no time zone');
    await result.locator('[data-testid="ci-automation-test-step"][data-outcome="wait"]').getByText(`(${zone})`, { exact: false }).waitFor();
    await shot(p, 'automation-02-test-panel');
    // The test sends nothing.
    if (state.receiver.received.length !== 0) throw new Error(`the test delivered ${state.receiver.received.length} webhook(s)`);
    await p.keyboard.press('Escape');
  });

  test('automation: activating asks for approval; the author submits and cannot approve; Management approves in the queue', async () => {
    const p = state.page;
    const row = p.locator(`[data-testid="ci-automation-rule-${state.ruleDoc}"]`);
    // Activate: the server refuses a high-risk rule without approval, the page says so and offers the submission.
    await row.getByRole('button', { name: 'Activate' }).click();
    await p
      .getByText(/approval/i)
      .first()
      .waitFor();
    await p.locator('[data-testid="ci-automation-submit-reason"]').fill('Answer every form within the hour');
    await p.locator('[data-testid="ci-automation-submit-confirm"]').click();
    await row.locator('[data-testid="ci-automation-status"][data-status="pending_approval"]').waitFor();

    // The author: their request is in the queue with Cancel, no Approve; the API refuses them too.
    await p.goto(`${e2e.server.url}${PLUGIN}/approvals`);
    const mine = p.locator('[data-testid="ci-approval-row"]', { hasText: 'Answer every form within the hour' });
    await mine.locator('[data-testid="ci-approval-cancel"]').waitFor();
    if ((await mine.locator('[data-testid="ci-approve"]').count()) !== 0) throw new Error('the author is offered Approve');
    const marketingToken = await adminLogin(e2e.server.url, MARKETING.email, MARKETING.password);
    const pending = await adminCall(e2e.server.url, marketingToken, 'GET', '/client-insights/approvals?status=pending');
    const approval = (pending.body.data as any[]).find((a) => a.reason === 'Answer every form within the hour');
    const selfApproval = await adminCall(e2e.server.url, marketingToken, 'POST', `/client-insights/approvals/${approval.id}/approve`, {});
    if (selfApproval.status !== 403) throw new Error(`the author approving: ${selfApproval.status} ${JSON.stringify(selfApproval.body)}`);

    // Management approves it from the queue.
    const context = await e2e.browser.newContext({ viewport: { width: 1440, height: 1000 } });
    try {
      const m = await context.newPage();
      await login(m, MANAGEMENT);
      await m.goto(`${e2e.server.url}${PLUGIN}/approvals`);
      const theirs = m.locator('[data-testid="ci-approval-row"]', { hasText: 'Answer every form within the hour' });
      await theirs.locator('[data-testid="ci-approve"]').click();
      await m.locator('[data-testid="ci-approval-comment"]').fill('Fine: one webhook per form');
      await m.locator('[data-testid="ci-approval-confirm"]').click();
      await m.locator('[data-testid="ci-approval-confirm"]').waitFor({ state: 'detached' });
      await shot(m, 'automation-03-approved');
    } finally {
      await context.close();
    }
    await p.goto(`${e2e.server.url}${PLUGIN}/automation`);
    await p.locator(`[data-testid="ci-automation-rule-${state.ruleDoc}"] [data-testid="ci-automation-status"][data-status="active"]`).waitFor();
  });

  test('automation: a submitted form fires the rule; the logs show the webhook sent and the receiver got it once', async () => {
    const p = state.page;
    await submitForm();
    await until('the webhook at the receiver', () => state.receiver.received.length === 1);
    const hook = state.receiver.received[0];
    const body = JSON.parse(hook.body);
    if (body.customer?.id !== state.customer.id || body.rule?.documentId !== state.ruleDoc) throw new Error(`delivered ${hook.body}`);
    await p.getByRole('tab', { name: 'Logs' }).click();
    await waitForLogLine(p, 'sent', 'webhook');
    await logLine(p, 'sent', 'webhook').first().getByText('Call a webhook').waitFor();
    await shot(p, 'automation-04-logs-sent');
    // Nothing more arrives once the worker has had time to run again.
    await p.waitForTimeout(5000);
    if (state.receiver.received.length !== 1) throw new Error(`the receiver got ${state.receiver.received.length} deliveries`);
  });

  test('automation: a refused delivery is a dead letter, retried from the logs under the same webhook-id', async () => {
    const p = state.page;
    state.receiver.answer({ status: 400 });
    await submitForm();
    await until('the refused delivery', () => state.receiver.received.length === 2);
    await waitForLogLine(p, 'dead', 'webhook');
    await shot(p, 'automation-05-dead-letter');
    await logLine(p, 'dead', 'webhook').first().locator('[data-testid="ci-automation-retry"]').click();
    await until('the retried delivery', () => state.receiver.received.length === 3);
    const [refused, retried] = state.receiver.received.slice(1);
    if (retried.headers['webhook-id'] !== refused.headers['webhook-id']) throw new Error('the retry carries another webhook-id');
    await until(
      'two webhooks sent in the logs',
      async () => {
        await p.click('[data-testid="ci-automation-logs-refresh"]');
        await p.waitForTimeout(700);
        return (await logLine(p, 'sent', 'webhook').count()) === 2;
      },
      60_000
    );
  });

  test('automation: webhook endpoints are managed on their tab: a bad URL refused at its field, the secret shown once, held, rotated, removed', async () => {
    const p = state.page;
    const SPARE = `E2E spare endpoint ${Date.now()}`;
    const listed = async () => ((await api('GET', '/client-insights/automation/webhook-endpoints')).body.data as any[]).filter((e) => e.name === SPARE);
    await p.goto(`${e2e.server.url}${PLUGIN}/automation`);
    await p.locator('[data-testid="ci-automation-tab-endpoints"]').click();
    await p.locator('[data-testid="ci-endpoint-row"]', { hasText: ENDPOINT }).waitFor();
    await p.locator('[data-testid="ci-endpoint-new"]').click();
    const dialog = p.getByRole('dialog');
    await dialog.getByLabel('Name').fill(SPARE);
    await dialog.getByLabel('URL').fill('ftp://someone:pw@example.test/hooks');
    await dialog.locator('[data-testid="ci-endpoint-save"]').click();
    await dialog
      .getByText(/http or https URL|user name or password/)
      .first()
      .waitFor();
    await shot(p, 'automation-07-endpoint-refused');
    if ((await listed()).length !== 0) throw new Error('a refused endpoint was created');
    await dialog.getByLabel('URL').fill(`${state.receiver.url}/spare`);
    await dialog.locator('[data-testid="ci-endpoint-save"]').click();
    const first = await dialog.locator('[data-testid="ci-endpoint-secret-value"]').innerText();
    if (!/^whsec_/.test(first)) throw new Error(`the secret shown: ${first}`);
    await shot(p, 'automation-08-endpoint-secret');
    await dialog.locator('[data-testid="ci-endpoint-secret"]').getByRole('button', { name: 'Close' }).click();
    const row = p.locator('[data-testid="ci-endpoint-row"]', { hasText: SPARE });
    await row.locator('[data-testid="ci-endpoint-enabled"][data-enabled="true"]').waitFor();
    // The list never shows a secret again.
    if ((await p.getByText(first).count()) !== 0) throw new Error('the secret is still on the page');
    // Held: untick Sending.
    await row.getByRole('button', { name: `Edit ${SPARE}` }).click();
    await p.getByRole('dialog').getByText('Sending (untick to hold deliveries)').click();
    await p.getByRole('dialog').locator('[data-testid="ci-endpoint-save"]').click();
    await row.locator('[data-testid="ci-endpoint-enabled"][data-enabled="false"]').waitFor();
    // A new secret, after a confirmation; shown once, and not the old one.
    await row.getByRole('button', { name: `New secret for ${SPARE}` }).click();
    await p.locator('[data-testid="ci-endpoint-confirm"]').click();
    const second = await p.locator('[data-testid="ci-endpoint-secret-value"]').innerText();
    if (!/^whsec_/.test(second) || second === first) throw new Error('the rotation showed no new secret');
    await p.locator('[data-testid="ci-endpoint-secret"]').getByRole('button', { name: 'Close' }).click();
    // Removed, after a confirmation.
    await row.getByRole('button', { name: `Remove ${SPARE}` }).click();
    await p.locator('[data-testid="ci-endpoint-confirm"]').click();
    await row.waitFor({ state: 'detached' });
    if ((await listed()).length !== 0) throw new Error('the removed endpoint is still listed by the API');
  });

  test('automation: in 中文 the Automation page and the editor have no English left', async () => {
    const p = state.page;
    await setAdminLanguage(p, 'zh-Hans');
    try {
      await p.goto(`${e2e.server.url}${PLUGIN}/automation`);
      await p.getByRole('heading', { name: '自动化' }).waitFor({ timeout: 30_000 });
      const row = p.locator(`[data-testid="ci-automation-rule-${state.ruleDoc}"]`);
      await row.getByText('运行中').waitFor();
      await row.getByRole('button', { name: `编辑 ${RULE}` }).click();
      const dialog = p.getByRole('dialog');
      await dialog.locator('[data-testid="ci-automation-step"]').nth(2).waitFor();
      await pick(p, dialog.getByRole('combobox', { name: '文案语言' }), /^简体中文$/);
      await dialog.getByLabel('消息（简体中文）').waitFor();
      if ((await dialog.getByLabel('渠道').inputValue()) !== 'web') throw new Error('the channel filter is not shown as saved');
      await shot(p, 'automation-06-editor-zh-Hans');
      // What the user typed and the names of things are theirs; terms that stay as they are in
      // Chinese too: key names in the keyboard help, acronyms, the AND / OR glossed beside 全部满足.
      const own = [
        RULE,
        ENDPOINT,
        `${state.receiver.url}/hooks`,
        CUSTOMER,
        NOTE_EN,
        'Webhook',
        'JSON',
        'ID',
        'HH:mm',
        'Enter',
        'Tab',
        'Alt',
        'RFM',
        'CLV',
        'AND',
        'OR',
      ];
      let text = await dialog.innerText();
      for (const s of own) text = text.split(s).join(' ');
      const english = text.match(/[A-Za-z]{3,}/g) ?? [];
      if (english.length) throw new Error(`English left in the editor: ${[...new Set(english)].join(', ')}`);
      await p.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      // The test panel's explanation of the trigger, worded in Chinese by the server.
      await row.locator('[data-testid="ci-automation-test"]').click();
      await p.locator('[data-testid="ci-automation-test-search"]').fill(CUSTOMER);
      await p.locator('[data-testid="ci-automation-test-customer"]', { hasText: CUSTOMER }).first().click();
      await p.locator('[data-testid="ci-automation-test-run"]').click();
      const why = await p.locator('[data-testid="ci-automation-test-why"]').innerText();
      if (!why.startsWith('每当客户发生“表单提交”（渠道 web）时触发') || /[A-Za-z]{3,}/.test(why.replace(/（[^）]*）/g, '')))
        throw new Error(`the trigger is explained as "${why}"`);
      await p.locator('[data-testid="ci-automation-test-step"][data-action="webhook"]').getByText(`Webhook 发送至 ${ENDPOINT}`).waitFor();
      await shot(p, 'automation-07-test-panel-zh-Hans');
      await p.keyboard.press('Escape');
    } finally {
      await setAdminLanguage(p, 'en');
      await state.marketing.close();
      await state.receiver.close();
    }
  });
};
