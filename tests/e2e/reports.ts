/**
 * Browser steps of the reports (issue 15 item 10): segment analytics with its comparison, trend,
 * forecast and heatmap; campaign attribution against the API; an export that waits for approval,
 * approved by Management and downloaded as CSV and .xlsx (parsed and checked); the customer flow
 * and monitoring pages; the sync page. Each step sets up its own data through the API, so it runs
 * alone (E2E_ONLY=reports) as well as after run.ts's steps.
 */
import fs from 'fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { adminCall, adminLogin, ensureRoleUser } from './api';
import { test } from './harness';
import { api, e2e, login, PLUGIN, shot } from './context';
import { chooseByName, setAdminLanguage } from './ui';

const DATA_TEAM = { email: 'e2e-data-team@client-insights.test', password: 'E2eDataTeam12345!' };
const MANAGEMENT = { email: 'e2e-management@client-insights.test', password: 'E2eManagement12345!' };
// A Sales Manager of its own: the shared one has logged in five times by now, Strapi's limit per five minutes.
const SALES = { email: 'e2e-reports-sales@client-insights.test', password: 'E2eReportsSales12345!' };
const DAY = 86_400_000;

/** A number as the admin writes it ("CN¥1,234.5", "-12.3%", "+4.1 pp") read back; NaN when there is none. */
const numberIn = (text: string) => Number(text.replace(/−/g, '-').replace(/[^0-9.-]/g, '')) || (/\d/.test(text) ? 0 : NaN);
const near = (shown: number, expected: number, tolerance: number, what: string) => {
  if (!(Math.abs(shown - expected) <= tolerance)) throw new Error(`${what}: the page shows ${shown}, the API ${expected}`);
};
const isoDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

/** A design-system select: open it by its label and pick the option. */
const choose = async (p: Page, label: RegExp, option: RegExp | string) => {
  await p.getByRole('combobox', { name: label }).first().click();
  await p.getByRole('option', { name: option }).first().click();
};

/** A segment through the API, run once so it has members (or none). */
const segmentWithRun = async (name: string, rule: unknown) => {
  const created = await api('POST', '/client-insights/segments', { data: { name, rule } });
  if (created.status >= 300) throw new Error(`create segment: ${created.status} ${JSON.stringify(created.body)}`);
  const run = await api('POST', `/client-insights/segments/${created.body.data.id}/execute`, { data: { wait: true } });
  if (run.body?.data?.status !== 'success') throw new Error(`run segment: ${run.status} ${JSON.stringify(run.body)}`);
  return created.body.data as { id: number; name: string };
};

/** RFC 4180 CSV into rows of text cells. */
const parseCsv = (text: string) => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (quoted || (c !== ',' && c !== '\n' && c !== '\r')) cell += c;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    }
  }
  return rows;
};

/** Text as a CSV export writes it: formula-looking text ("+886 …", "=…") neutralised with an apostrophe for spreadsheets. */
const asCsv = (v: string | null) => (v === null ? '' : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

const contextFor = async (who: { email: string; password: string }) => {
  const context = await e2e.browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const p = await context.newPage();
  await login(p, who);
  return { context, p };
};

/** Every page of a list endpoint (pageSize 100) as `token`. */
const allPages = async (token: string, path: string) => {
  const out: any[] = [];
  for (let page = 1; ; page++) {
    const res = await adminCall(e2e.server.url, token, 'GET', `${path}${path.includes('?') ? '&' : '?'}page=${page}&pageSize=100`);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    out.push(...res.body.data);
    if (page >= res.body.meta.pagination.pageCount) return out;
  }
};

export const registerReportSteps = () => {
  test('reports: segment analytics shows the API figures, its comparison, the trend of a new segment (its week not over, no forecast yet), the heatmap; an empty segment says so', async () => {
    const { page } = e2e;
    const stamp = Date.now();
    const broad = await segmentWithRun(`E2E report signed ${stamp}`, { in: [{ var: 'customer.stage' }, ['signed', 'in_service']] });
    const empty = await segmentWithRun(`E2E report empty ${stamp}`, { '>=': [{ var: 'metrics.total_spent' }, 1e12] });
    await page.goto(`${e2e.server.url}${PLUGIN}/reports`);
    await page.locator('[data-testid="ci-report-from"]').waitFor({ timeout: 60_000 });
    const timeZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
    const from = isoDay(daysAgo(119));
    const to = isoDay(daysAgo(0));
    // The comparison: the 120 days before.
    const compareFrom = isoDay(daysAgo(239));
    const compareTo = isoDay(daysAgo(120));
    await choose(page, /^(Segment|分群)$/, broad.name);
    await page.fill('[data-testid="ci-report-from"]', from);
    await page.fill('[data-testid="ci-report-to"]', to);
    const compare = page.getByRole('checkbox', { name: /previous period|上一/ });
    if (!(await compare.isChecked())) await compare.click();
    const query = `from=${from}&to=${to}&timeZone=${encodeURIComponent(timeZone)}`;
    const analytics = (await api('GET', `/client-insights/segments/analytics/${broad.id}?${query}&compareFrom=${compareFrom}&compareTo=${compareTo}`)).body
      .data;
    if (!analytics?.metrics) throw new Error('analytics API gave no figures');
    if (analytics.metrics.customers < 1) throw new Error(`the signed segment has no customers: ${JSON.stringify(analytics.metrics)}`);
    await page.waitForLoadState('networkidle');
    // The cards show this very segment and period: wait for the customers figure of the API.
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="ci-report-kpi-customers"] [data-value]')?.getAttribute('data-value') === String(n),
      analytics.metrics.customers,
      { timeout: 60_000 }
    );
    for (const m of ['customers', 'revenue', 'orders', 'aov', 'conversionRate', 'retentionRate', 'churnRate', 'margin', 'revenueShare']) {
      const card = page.locator(`[data-testid="ci-report-kpi-${m}"]`);
      const value = card.locator('[data-value]');
      const expected = analytics.metrics[m];
      if ((await value.getAttribute('data-value')) !== (expected === null ? '' : String(expected)))
        throw new Error(`${m}: card holds ${await value.getAttribute('data-value')}, API ${expected}`);
      const text = await value.innerText();
      if (expected === null) {
        if (text.trim() !== '—') throw new Error(`${m}: no value shown as "${text}"`);
      } else if (['conversionRate', 'retentionRate', 'churnRate', 'revenueShare'].includes(m)) near(numberIn(text), expected * 100, 0.051, m);
      else near(numberIn(text), expected, ['customers', 'orders'].includes(m) ? 0 : 0.0051, m);
      const change = analytics.change?.[m] ?? null;
      // A card without a change has no such element: counted, not waited for (a locator's
      // getAttribute waits its 30 s timeout for an element that never comes).
      const changeMark = card.locator('[data-change]');
      const shownChange = (await changeMark.count()) > 0 ? await changeMark.getAttribute('data-change') : null;
      if (change !== null && Number(shownChange) !== change) throw new Error(`${m}: change shown ${shownChange}, API ${change}`);
    }
    if (!analytics.comparison) throw new Error('the API answered no comparison period');
    // Heatmap: one row per segment the admin sees, the analysed one first.
    const rows = page.locator('[data-testid="ci-report-heatmap-row"]');
    if ((await rows.count()) !== analytics.segments.length)
      throw new Error(`heatmap has ${await rows.count()} rows, API ${analytics.segments.length} segments`);
    if (!(await rows.first().innerText()).includes(broad.name)) throw new Error('the analysed segment is not the first heatmap row');
    // The figures say when they were computed (they are stored ahead); "recompute now" has the server compute them again.
    const asOf = await page.locator('[data-testid="ci-report-as-of"]').innerText();
    if (!/Figures as of|数据截至|數據截至/.test(asOf)) throw new Error(`no "as of" line: ${asOf}`);
    const [recomputed] = await Promise.all([
      page.waitForResponse((r) => r.url().includes(`/segments/analytics/${broad.id}?`) && r.url().includes('fresh=true'), { timeout: 60_000 }),
      page.click('[data-testid="ci-report-recompute"]'),
    ]);
    const fresh = recomputed.status() === 200 ? (await recomputed.json()).data : null;
    if (!fresh || fresh.stale || fresh.metrics.customers !== analytics.metrics.customers || !(Date.parse(fresh.asOf) >= Date.parse(analytics.asOf)))
      throw new Error(
        `recompute answered ${recomputed.status()}: ${JSON.stringify(fresh && { stale: fresh.stale, asOf: fresh.asOf, customers: fresh.metrics.customers })}`
      );
    // A second click asks again, the trend too: its question was fresh already, so only a reload asks it.
    const askedFresh = (r: { url(): string }, path: string) => r.url().includes(`/segments/${path}/${broad.id}?`) && r.url().includes('fresh=true');
    const again = await Promise.all([
      page.waitForResponse((r) => askedFresh(r, 'analytics'), { timeout: 60_000 }),
      page.waitForResponse((r) => askedFresh(r, 'trends'), { timeout: 60_000 }),
      page.click('[data-testid="ci-report-recompute"]'),
    ]);
    if (again[0].status() !== 200 || again[1].status() !== 200) throw new Error(`recompute again answered ${again[0].status()} / ${again[1].status()}`);
    // Trend: the chart draws the API series. The segment was created a moment ago: its members
    // came in this week, which is not over, so there is no complete week with members to forecast
    // from (tests/reports/trends.test.ts checks forecasts on a segment with history), and the page says so.
    const trends = (await api('GET', `/client-insights/segments/trends/${broad.id}?${query}&granularity=week&horizon=8`)).body.data;
    const trend = page.locator('[data-testid="ci-report-trend"]');
    await trend.locator('canvas').waitFor({ timeout: 60_000 });
    const points = (await trend.getAttribute('data-points'))!.split(',').map(Number);
    const apiPoints = trends.series.map((p: any) => p.revenue);
    if (JSON.stringify(points) !== JSON.stringify(apiPoints)) throw new Error(`trend points ${points} ≠ API ${apiPoints}`);
    const underWay = trends.series.at(-1);
    if (!underWay.partial || underWay.members !== analytics.metrics.customers || trends.series.slice(0, -1).some((p: any) => p.partial || p.members !== 0))
      throw new Error(`a new segment's weeks: ${JSON.stringify(trends.series.slice(-3))}`);
    const forecast = trends.forecast.revenue;
    if (forecast.method !== 'none' || Number(await trend.getAttribute('data-forecast')) !== 0)
      throw new Error(`a forecast without history: ${JSON.stringify(forecast)}`);
    const partialNote = await page.locator('[data-testid="ci-report-partial-note"]').innerText();
    if (!partialNote.includes(underWay.period) || !/not over/.test(partialNote)) throw new Error(`partial note: ${partialNote}`);
    const note = await page.locator('[data-testid="ci-report-forecast-note"]').innerText();
    if (!/No forecast: fewer than 3 complete periods with members/.test(note)) throw new Error(`forecast note: ${note}`);
    console.log(
      `    ${broad.name}: ${analytics.metrics.customers} customers, revenue ${analytics.metrics.revenue}; this week ${underWay.period} partial, no forecast`
    );
    await shot(page, '30-reports-analytics');
    // This week alone: no period is complete, the chart still draws the week so far and says it is not over.
    await page.fill('[data-testid="ci-report-from"]', to);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="ci-report-trend"]')?.getAttribute('data-points')?.split(',').length === 1,
      undefined,
      {
        timeout: 60_000,
      }
    );
    await trend.locator('canvas').waitFor();
    if (!(await page.locator('[data-testid="ci-report-partial-note"]').innerText()).includes(underWay.period))
      throw new Error('this week alone: no partial note');
    await page.fill('[data-testid="ci-report-from"]', from);

    // An empty segment: a clear message and zeros, never an error.
    await choose(page, /^(Segment|分群)$/, empty.name);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="ci-report-kpi-customers"] [data-value]')?.getAttribute('data-value') === '0',
      undefined,
      {
        timeout: 60_000,
      }
    );
    const flags = await page.locator('[data-testid="ci-report-flags"]').innerText();
    if (!/No member in this period|没有成员|沒有成員/.test(flags)) throw new Error(`empty segment flags: ${flags}`);
    await page.getByText(/No members and no orders in this period/).waitFor({ timeout: 60_000 });
    // The section error (components/States.tsx) says "Could not load"; the admin's own live regions are empty alerts.
    const errors = page.locator('[role="alert"]', { hasText: /Could not load/ });
    if ((await errors.count()) > 0) throw new Error(`an empty segment shows an error: ${await errors.first().innerText()}`);
    await shot(page, '31-reports-empty-segment');
  });

  test('reports: campaign attribution shows the five models, ROI and the holdout lift with its interval as the API computes them', async () => {
    const { page } = e2e;
    const customers = (await api('GET', '/client-insights/customers?pageSize=12&sort=customerSince:asc')).body.data as { id: number; documentId: string }[];
    if (customers.length < 12) throw new Error('too few demo customers');
    const cm = (type: string, data: unknown) => api('POST', `/content-manager/collection-types/api::${type}.${type}`, data);
    const made = await cm('campaign', {
      name: `E2E fair ${Date.now()}`,
      budget: 500,
      holdout_percent: 20,
      started_at: daysAgo(40).toISOString(),
      ended_at: daysAgo(0).toISOString(),
    });
    if (made.status >= 300) throw new Error(`create campaign: ${made.status} ${JSON.stringify(made.body)}`);
    const campaign = made.body.data as { id: number; documentId: string; name: string };
    // Another campaign on some of the same paths: the models then split the credit differently.
    const other = await cm('campaign', { name: `E2E webinar ${Date.now()}`, budget: 100 });
    if (other.status >= 300) throw new Error(`create campaign: ${other.status} ${JSON.stringify(other.body)}`);
    const link = (documentId: string) => ({ connect: [{ documentId }] });
    let touches = 0;
    for (const [i, c] of customers.entries()) {
      // Paths of one touch, and of two (first and last touch then differ from linear and time decay).
      for (const days of i % 3 === 0 ? [12, 4] : [9]) {
        const touch = await cm('interaction', {
          type: 'email_click',
          occurred_at: daysAgo(days).toISOString(),
          customer: link(c.documentId),
          campaign: link(campaign.documentId),
        });
        if (touch.status >= 300) throw new Error(`touch: ${touch.status} ${JSON.stringify(touch.body)}`);
        touches += 1;
      }
      if (i % 2 === 0) {
        const touch = await cm('interaction', {
          type: 'event_signup',
          occurred_at: daysAgo(6).toISOString(),
          customer: link(c.documentId),
          campaign: link(other.body.data.documentId),
        });
        if (touch.status >= 300) throw new Error(`touch: ${touch.status} ${JSON.stringify(touch.body)}`);
      }
      if (i < 8) {
        const order = await cm('order', {
          amount: 1000 + 250 * i,
          gross_margin: 300 + 50 * i,
          currency: 'CNY',
          kind: 'new',
          payment_status: 'paid',
          ordered_at: daysAgo(2).toISOString(),
          customer: link(c.documentId),
        });
        if (order.status >= 300) throw new Error(`order: ${order.status} ${JSON.stringify(order.body)}`);
      }
    }
    // The activity copies are refreshed by the metrics queue: wait until the API sees every touch and order.
    let attribution: any = null;
    for (let i = 0; i < 120; i++) {
      attribution = (await api('GET', `/client-insights/campaigns/${campaign.id}/attribution?window=30&halfLife=7`)).body.data;
      if (attribution?.touches.interactions === touches && attribution.conversions.orders >= 8) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (attribution?.touches.interactions !== touches || attribution.conversions.orders < 8)
      throw new Error(`the API does not see the campaign's touches and orders: ${JSON.stringify(attribution)}`);

    await page.goto(`${e2e.server.url}${PLUGIN}/reports`);
    // The campaign is chosen by its name in the picker, from the keyboard (no id typed).
    await chooseByName(page, page.getByRole('combobox', { name: 'Campaign' }), campaign.name);
    await page.locator('[data-testid="ci-attribution-models"]').waitFor({ timeout: 60_000 });
    const summary = await page.locator('[data-testid="ci-attribution-summary"]').innerText();
    if (!summary.includes(campaign.name)) throw new Error(`summary: ${summary}`);
    if (attribution.models.length !== 5) throw new Error(`API answered ${attribution.models.length} models`);
    for (const m of attribution.models) {
      const cells = await page.locator(`[data-testid="ci-attribution-model-${m.model}"] td`).allInnerTexts();
      near(numberIn(cells[1]), Math.round(m.conversions * 100) / 100, 0.0051, `${m.model} conversions`);
      near(numberIn(cells[2]), m.revenue, 0.0051, `${m.model} revenue`);
      near(numberIn(cells[3]), m.margin, 0.0051, `${m.model} margin`);
      near(numberIn(cells[4]), m.roi * 100, 0.051, `${m.model} ROI`);
    }
    // Linear spreads a two-touch path's credit; first and last touch give it whole: the models differ.
    const credit = Object.fromEntries(attribution.models.map((m: any) => [m.model, m.conversions]));
    if (Math.abs(credit.first_touch - credit.linear) < 1e-9 || Math.abs(credit.last_touch - credit.time_decay) < 1e-9)
      throw new Error(`the models do not differ: ${JSON.stringify(credit)}`);
    await page.locator('[data-testid="ci-attribution"] canvas').waitFor();
    const holdout = attribution.holdouts.find((h: any) => h.source === 'campaign');
    if (!holdout || holdout.lift === null || !holdout.ci) throw new Error(`no campaign holdout lift: ${JSON.stringify(attribution.holdouts)}`);
    const row = await page.locator('[data-testid="ci-attribution-holdout-campaign"] td').allInnerTexts();
    if (!row[1].includes(`(${holdout.treated.converted}/${holdout.treated.customers})`)) throw new Error(`treated group: ${row[1]}`);
    if (!row[2].includes(`(${holdout.holdout.converted}/${holdout.holdout.customers})`)) throw new Error(`holdout group: ${row[2]}`);
    near(numberIn(row[3]), holdout.lift * 100, 0.051, 'lift');
    const [low, high] = row[4].split(',').map(numberIn);
    near(low, holdout.ci[0] * 100, 0.051, 'interval low');
    near(high, holdout.ci[1] * 100, 0.051, 'interval high');
    console.log(
      `    campaign ${campaign.id}: ${attribution.conversions.orders} conversions, linear credit ${credit.linear.toFixed(2)}; holdout ${holdout.holdout.customers} of ${holdout.treated.customers + holdout.holdout.customers}, lift ${(holdout.lift * 100).toFixed(1)} pp [${(holdout.ci[0] * 100).toFixed(1)}, ${(holdout.ci[1] * 100).toFixed(1)}]`
    );
    await shot(page, '32-reports-attribution');
  });

  test('reports: an export with contact data waits for approval, Management approves it, the Data Team downloads CSV and XLSX with its fields, order, labels and masking', async () => {
    const url = e2e.server.url;
    await ensureRoleUser(url, e2e.token, 'Data Team', DATA_TEAM.email, DATA_TEAM.password);
    await ensureRoleUser(url, e2e.token, 'Management', MANAGEMENT.email, MANAGEMENT.password);
    await ensureRoleUser(url, e2e.token, 'Sales Manager', SALES.email, SALES.password);
    const dataToken = await adminLogin(url, DATA_TEAM.email, DATA_TEAM.password);
    // Chosen: ID, then stage moved up above name, contact, creation date, spend (document id, region, counts and scores left out).
    const FIELDS = ['customer.id', 'customer.stage', 'customer.name', 'customer.email', 'customer.phone', 'customer.created_at', 'metrics.total_spent'];
    const HEADER = ['ID', '阶段', '姓名', '邮箱', '电话', '创建时间', '累计消费'];
    const expected = await allPages(dataToken, '/client-insights/customers?stage=signed');
    const byId = new Map(expected.map((c) => [String(c.id), c]));
    if (!expected.some((c) => String(c.email).includes('@')) || expected.some((c) => /\*/.test(c.email ?? '')))
      throw new Error(`the Data Team does not see contact data: ${JSON.stringify(expected.slice(0, 3))}`);
    const reasons = { csv: `E2E CSV for the partner call ${Date.now()}`, xlsx: `E2E Excel for the board ${Date.now()}` };

    const team = await contextFor(DATA_TEAM);
    try {
      await setAdminLanguage(team.p, 'zh-Hans');
      for (const format of ['csv', 'xlsx'] as const) {
        await team.p.goto(`${url}${PLUGIN}/customers?stage=signed`);
        await team.p.locator('[data-testid="ci-customer-list"]').waitFor({ timeout: 60_000 });
        if (Number(await team.p.locator('[data-testid="ci-customer-total"]').getAttribute('data-value')) !== expected.length)
          throw new Error('list total ≠ API total');
        await team.p.click('[data-testid="ci-export-choose"]');
        await team.p.locator('[data-testid="ci-export-chosen"]').waitFor();
        await choose(team.p, /^(格式|Format)$/, format === 'csv' ? /CSV/ : /Excel/);
        for (const f of ['customer.document_id', 'customer.region', 'metrics.order_count', 'score.quadrant', 'score.r', 'score.f', 'score.m'])
          await team.p.locator(`[data-testid="ci-export-field-${f}"] [role="checkbox"]`).click();
        // Stage up five places: above region, phone, email, name and document id.
        for (let i = 0; i < 5; i++)
          await team.p
            .locator('[data-testid="ci-export-field-customer.stage"]')
            .getByRole('button', { name: /^(上移|Move up)$/ })
            .click();
        if (format === 'csv') await shot(team.p, '33-export-chooser');
        await team.p.click('[data-testid="ci-export-chosen"]');
        await team.p.locator('[data-testid="ci-export-reason"]').waitFor({ timeout: 60_000 });
        await team.p.fill('[data-testid="ci-export-reason"]', reasons[format]);
        await team.p.click('[data-testid="ci-export-request-approval"]');
        await team.p.locator('[data-testid="ci-export-approval-requested"]').waitFor({ timeout: 60_000 });
      }
      // Both wait for a decision; the requests carry the chosen fields in order.
      const mine = (await adminCall(url, dataToken, 'GET', '/client-insights/approvals?status=pending')).body.data as any[];
      for (const format of ['csv', 'xlsx'] as const) {
        const request = mine.find((a) => a.reason === reasons[format]);
        if (!request) throw new Error(`no pending ${format} request`);
        if (JSON.stringify(request.preview.fields) !== JSON.stringify(FIELDS)) throw new Error(`${format} asks for ${JSON.stringify(request.preview.fields)}`);
        if (JSON.stringify(request.preview.sensitiveFields) !== JSON.stringify(['email', 'phone']))
          throw new Error(`${format} sensitive ${request.preview.sensitiveFields}`);
      }

      // Management approves both on the Approvals page.
      const boss = await contextFor(MANAGEMENT);
      try {
        await boss.p.goto(`${url}${PLUGIN}/approvals`);
        for (const format of ['csv', 'xlsx'] as const) {
          const row = boss.p.locator('[data-testid="ci-approval-row"]', { hasText: reasons[format] });
          await row.locator('[data-testid="ci-approve"]').click({ timeout: 60_000 });
          await boss.p.fill('[data-testid="ci-approval-comment"]', 'Approved for the quarterly review');
          if (format === 'csv') await shot(boss.p, '34-approval-decision');
          await boss.p.click('[data-testid="ci-approval-confirm"]');
          await row.waitFor({ state: 'detached', timeout: 60_000 });
        }
      } finally {
        await boss.context.close();
      }

      // The Data Team downloads both files from its Approvals page once their jobs have written them.
      const approvals = (await adminCall(url, dataToken, 'GET', '/client-insights/approvals?status=executed')).body.data as any[];
      for (const format of ['csv', 'xlsx'] as const) {
        const approval = approvals.find((a) => a.reason === reasons[format]);
        if (!approval?.jobId) throw new Error(`${format} approval not executed: ${JSON.stringify(approval)}`);
        for (let i = 0; ; i++) {
          const job = (await adminCall(url, dataToken, 'GET', `/client-insights/jobs/${approval.jobId}`)).body.data;
          if (job.status === 'success') break;
          if (!['queued', 'running'].includes(job.status) || i > 600) throw new Error(`approved ${format} export: ${JSON.stringify(job)}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await team.p.goto(`${url}${PLUGIN}/approvals`);
      await choose(team.p, /^(Status|状态)$/, /已批准，执行中|Approved, running/);
      const files: Record<string, { name: string; bytes: Buffer }> = {};
      for (const format of ['csv', 'xlsx'] as const) {
        const row = team.p.locator('[data-testid="ci-approval-row"]', { hasText: reasons[format] });
        const [download] = await Promise.all([
          team.p.waitForEvent('download', { timeout: 60_000 }),
          row.locator('[data-testid="ci-approval-download"]').click({ timeout: 60_000 }),
        ]);
        const file = await download.path();
        if (!file) throw new Error(`download failed: ${await download.failure()}`);
        files[format] = { name: download.suggestedFilename(), bytes: fs.readFileSync(file) };
      }
      await shot(team.p, '35-approvals-download');
      if (!files.csv.name.endsWith('.csv') || !files.xlsx.name.endsWith('.xlsx')) throw new Error(`saved as ${files.csv.name} and ${files.xlsx.name}`);

      // CSV: the BOM, the header in the user's language and order, every customer unmasked as the API lists them.
      if (files.csv.bytes.subarray(0, 3).toString('hex') !== 'efbbbf') throw new Error('the CSV has no UTF-8 byte order mark');
      const [header, ...rows] = parseCsv(files.csv.bytes.subarray(3).toString('utf8'));
      if (JSON.stringify(header) !== JSON.stringify(HEADER)) throw new Error(`CSV header ${JSON.stringify(header)}`);
      if (rows.length !== expected.length) throw new Error(`CSV has ${rows.length} rows, the API lists ${expected.length}`);
      for (const r of rows) {
        const c = byId.get(r[0]);
        if (!c) throw new Error(`CSV row of customer ${r[0]} not in the list`);
        if (r[1] !== '已签约' || r[2] !== asCsv(c.name) || r[3] !== asCsv(c.email) || r[4] !== asCsv(c.phone))
          throw new Error(`CSV row ${JSON.stringify(r)} ≠ ${JSON.stringify(c)}`);
        if (Number(r[6] || 0) !== c.totalSpent) throw new Error(`CSV spend ${r[6]} ≠ ${c.totalSpent}`);
      }
      // XLSX: the same header, rows and cells; the creation date an Excel date, not text.
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(files.xlsx.bytes as any);
      const sheet = book.worksheets[0];
      const cells: unknown[][] = [];
      sheet.eachRow((row) => cells.push(FIELDS.map((_, i) => row.getCell(i + 1).value ?? null)));
      if (JSON.stringify(cells[0]) !== JSON.stringify(HEADER)) throw new Error(`XLSX header ${JSON.stringify(cells[0])}`);
      if (cells.length - 1 !== expected.length) throw new Error(`XLSX has ${cells.length - 1} rows, the API lists ${expected.length}`);
      for (const [i, r] of cells.slice(1).entries()) {
        const c = byId.get(String(r[0]))!;
        if (typeof r[0] !== 'number' || r[3] !== c.email || String(r[0]) !== rows[i][0]) throw new Error(`XLSX row ${JSON.stringify(r)}`);
        const created = sheet.getRow(i + 2).getCell(6);
        if (c.createdAt && (created.type !== ExcelJS.ValueType.Date || created.numFmt !== 'yyyy-mm-dd hh:mm'))
          throw new Error(`XLSX creation date is ${created.type} ${created.numFmt}, not a date`);
      }
      console.log(`    Data Team export after approval: ${rows.length} rows as ${files.csv.name} and ${files.xlsx.name}`);
    } finally {
      await team.context.close();
    }

    // The same fields for a Sales Manager (no sensitive.view): no approval, contact masked, the same rows.
    const salesToken = await adminLogin(url, SALES.email, SALES.password);
    const started = await adminCall(url, salesToken, 'POST', '/client-insights/exports?locale=en', {
      source: 'customers',
      filter: { stage: 'signed' },
      fields: FIELDS,
    });
    if (started.status !== 202 || started.body.meta?.approval) throw new Error(`Sales Manager export: ${started.status} ${JSON.stringify(started.body)}`);
    for (let i = 0; ; i++) {
      const job = (await adminCall(url, salesToken, 'GET', `/client-insights/jobs/${started.body.data.id}`)).body.data;
      if (job.status === 'success') break;
      if (!['queued', 'running'].includes(job.status) || i > 600) throw new Error(`Sales Manager export job: ${JSON.stringify(job)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const res = await fetch(`${url}/client-insights/exports/${started.body.data.id}/file`, { headers: { authorization: `Bearer ${salesToken}` } });
    const [salesHeader, ...salesRows] = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
    if (JSON.stringify(salesHeader) !== JSON.stringify(['ID', 'Stage', 'Name', 'Email', 'Phone', 'Created at', 'Total spent']))
      throw new Error(`Sales Manager header ${JSON.stringify(salesHeader)}`);
    if (salesRows.length !== expected.length) throw new Error(`Sales Manager file has ${salesRows.length} rows, not ${expected.length}`);
    for (const r of salesRows) {
      if ((r[3] && !/^.\*\*\*@/.test(r[3])) || (r[4] && !/^\*+\d{4}$/.test(r[4]))) throw new Error(`Sales Manager sees contact data: ${JSON.stringify(r)}`);
    }
  });

  test('reports: customer flow draws its Sankey and matrix, a band opens its customers; monitoring draws its cards', async () => {
    const { page } = e2e;
    // A segment run now: its members moved from "in no segment" at the start to it at the end.
    const seg = await segmentWithRun(`E2E flow ${Date.now()}`, { '==': [{ var: 'customer.stage' }, 'signed'] });
    await page.goto(`${e2e.server.url}${PLUGIN}/reports/flow`);
    await page.locator('[data-testid="ci-flow-from"]').waitFor({ timeout: 60_000 });
    const timeZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
    const from = await page.locator('[data-testid="ci-flow-from"]').inputValue();
    const to = await page.locator('[data-testid="ci-flow-to"]').inputValue();
    const query = `from=${from}&to=${to}&timeZone=${encodeURIComponent(timeZone)}`;
    const flow = (await api('GET', `/client-insights/reports/flow?${query}`)).body.data;
    const link = flow.segments.links.find((l: any) => l.source === 'none' && l.target === String(seg.id));
    if (!link) throw new Error(`no flow into the new segment: ${JSON.stringify(flow.segments.links)}`);
    await page.locator('[data-testid="ci-flow-sankey"]').waitFor({ timeout: 60_000 });
    const shown = flow.segments.links.filter((l: any) => (l.source !== 'none' || l.target !== 'none') && l.customers > 0);
    if ((await page.locator('[data-testid^="ci-flow-link-"]').count()) !== shown.length) throw new Error('the Sankey does not draw every band of the API');
    const total = shown.reduce((s: number, l: any) => s + l.customers, 0);
    if (Number(await page.locator('[data-testid="ci-flow-total"]').getAttribute('data-total')) !== total)
      throw new Error('the Sankey total differs from the API');
    // Quadrant matrix: drawn when two value runs exist, else a clear message.
    if (flow.quadrants.fromRun !== null && flow.quadrants.toRun !== null) {
      await page.locator('[data-testid="ci-flow-quadrants"]').waitFor();
      for (const c of flow.quadrants.cells.filter((x: any) => x.customers > 0)) {
        const text = await page.locator(`[data-testid="ci-flow-cell-${c.from}-${c.to}"]`).innerText();
        if (numberIn(text) !== c.customers) throw new Error(`quadrant ${c.from}→${c.to}: ${text} ≠ ${c.customers}`);
      }
    } else await page.getByText(/Fewer than two value runs|少于两次|少於兩次/).waitFor();
    // The band opened from the keyboard: focused, named by its flow, Enter.
    const band = page.locator(`[data-testid="ci-flow-link-none-${seg.id}"]`);
    await band.focus();
    const bandName = (await band.getAttribute('aria-label')) ?? '';
    if (numberIn(bandName.split(/[:：]/).pop() ?? '') !== link.customers)
      throw new Error(`the band is named "${bandName}", not its ${link.customers} customers`);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="ci-flow-customers"]').waitFor({ timeout: 60_000 });
    const customers = await api('GET', `/client-insights/reports/flow/customers?${query}&kind=segment&source=none&target=${seg.id}&page=1&pageSize=20`);
    const names = await page.locator('[data-testid="ci-flow-customer"] td:first-child').allInnerTexts();
    const apiNames = customers.body.data.map((c: any) => c.name ?? '—');
    if (JSON.stringify(names) !== JSON.stringify(apiNames)) throw new Error(`flow customers ${JSON.stringify(names)} ≠ API ${JSON.stringify(apiNames)}`);
    if (customers.body.meta.pagination.total !== link.customers)
      throw new Error(`the band counts ${link.customers}, its list ${customers.body.meta.pagination.total}`);
    const stages = await page.locator('[data-testid="ci-flow-customer"] td:nth-child(4)').allInnerTexts();
    if (stages.some((s) => s === 'signed')) throw new Error('stage codes are shown untranslated');
    await shot(page, '36-customer-flow');

    await page.goto(`${e2e.server.url}${PLUGIN}/monitoring`);
    await page.locator('[data-testid="ci-monitoring-board"]').waitFor({ timeout: 60_000 });
    const mFrom = await page.locator('[data-testid="ci-monitoring-from"]').inputValue();
    const mTo = await page.locator('[data-testid="ci-monitoring-to"]').inputValue();
    const monitoring = (await api('GET', `/client-insights/reports/monitoring?from=${mFrom}&to=${mTo}&timeZone=${encodeURIComponent(timeZone)}`)).body.data;
    const cards = page.locator('[data-testid="ci-monitoring-board"] canvas');
    await cards.first().waitFor();
    if ((await cards.count()) !== monitoring.board.kpis.length) throw new Error(`${await cards.count()} sparklines for ${monitoring.board.kpis.length} KPIs`);
    for (const section of ['segments', 'automation', 'values', 'tags', 'lifecycle'])
      if ((await page.locator(`[data-testid^="ci-monitoring-monitoring.${section}"]`).count()) === 0) throw new Error(`no ${section} section`);
    await shot(page, '37-monitoring');
  });

  test('reports: the sync page lists the destinations', async () => {
    const { page } = e2e;
    const name = `E2E drop ${Date.now()}`;
    const created = await api('POST', '/client-insights/sync/destinations', { type: 'file', name, config: { folder: 'e2e', format: 'csv' }, enabled: false });
    if (created.status !== 201) throw new Error(`create destination: ${created.status} ${JSON.stringify(created.body)}`);
    const listed = (await api('GET', '/client-insights/sync/destinations')).body.data as any[];
    await page.goto(`${e2e.server.url}${PLUGIN}/sync`);
    await page.locator(`[data-testid="ci-sync-destination-${created.body.data.id}"]`).waitFor({ timeout: 60_000 });
    if ((await page.locator('[data-testid^="ci-sync-destination-"]').count()) !== listed.length) throw new Error('the page does not list every destination');
    if (!(await page.locator(`[data-testid="ci-sync-destination-${created.body.data.id}"]`).innerText()).includes(name))
      throw new Error('the destination row lacks its name');
    await shot(page, '38-sync');
  });
};
