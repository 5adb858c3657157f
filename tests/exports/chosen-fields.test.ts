import ExcelJS from 'exceljs';
import { adminSession, restrictedSession, startStrapi, type TestApp } from '../helpers/strapi';

/**
 * Exports of chosen fields in a chosen order, as CSV and as .xlsx: read back (the xlsx with
 * exceljs' reader) and compared cell by cell with what the database holds; contact data masked
 * for a user without sensitive.view; refused input changes nothing; sheets split past the limit.
 */
describe('exports of chosen fields', () => {
  let app: TestApp;
  let admin: string;
  /** segments.read + export, no sensitive.view: contact fields come masked and need no approval. */
  let exporter: string;
  const ZONE = 'Asia/Shanghai';
  const QUERY = `?locale=zh-Hans&timeZone=${encodeURIComponent(ZONE)}`;
  const FIELDS = ['customer.name', 'customer.id', 'metrics.total_spent', 'score.quadrant', 'customer.stage', 'tags', 'segments', 'customer.created_at'];
  const HEADER = ['姓名', 'ID', '累计消费', '价值象限', '阶段', '标签', '分群', '创建时间'];
  const STAGES: Record<string, string> = { signed: '已签约', consultation: '咨询' };
  const QUADRANTS: Record<string, string> = { high_value: '高价值', dormant: '沉睡' };
  const N = 25;

  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${app.url}/client-insights${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, type, bytes, body: type.includes('json') ? JSON.parse(bytes.toString('utf8')) : null };
  };
  const finished = async (token: string, jobId: number) => {
    for (;;) {
      const job = await call(token, 'GET', `/jobs/${jobId}`);
      if (!['queued', 'running'].includes(job.body.data.status)) return job.body.data;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  /** Starts an export, waits for its job and downloads the file. */
  const exported = async (token: string, request: Record<string, unknown>) => {
    const started = await call(token, 'POST', `/exports${QUERY}`, request);
    expect(started.status).toBe(202);
    const job = await finished(token, started.body.data.id);
    expect(job.status).toBe('success');
    const file = await call(token, 'GET', `/exports/${job.id}/file`);
    expect(file.status).toBe(200);
    return { job, file };
  };
  const jobCount = async () => Number((await app.strapi.db.connection('ci_jobs').count({ n: '*' }).first())!.n);

  /** RFC 4180 CSV into rows of text cells (the test's own reader). */
  const parseCsv = (text: string) => {
    const rows: string[][] = [];
    let row: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') {
        row.push(cell);
        cell = '';
      } else if (c === '\n') {
        row.push(cell);
        rows.push(row);
        row = [];
        cell = '';
      } else cell += c;
    }
    return rows;
  };

  /**
   * The expected rows, read from the database independently of the export's code. Dates are the
   * CSV's local text, or for an .xlsx a real date of the Shanghai wall-clock time (UTC+8 all year).
   */
  const expectedRows = async (dates: 'text' | 'excel' = 'text') => {
    const k = app.strapi.db.connection;
    const rows = await k('customers as c')
      .leftJoin('ci_customer_metrics as m', 'm.customer_id', 'c.id')
      .leftJoin('ci_customer_scores as s', 's.customer_id', 'c.id')
      .where('c.document_id', 'like', 'chosen-%')
      .orderBy('c.id')
      .select('c.id', 'c.name', 'c.stage', 'c.created_at', 'm.total_spent', 's.quadrant');
    const tags = await k('ci_customer_tags as ct').join('tags as t', 't.id', 'ct.tag_id').select('ct.customer_id', 't.name');
    const members = await k('ci_segment_current as cur')
      .join('ci_segment_members as sm', (j) => j.on('sm.segment_id', 'cur.segment_id').andOn('sm.run_id', 'cur.run_id'))
      .join('segments as s', 's.id', 'sm.segment_id')
      .select('sm.customer_id', 's.name');
    const text = new Intl.DateTimeFormat('zh-CN', {
      timeZone: ZONE,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    const namesOf = (list: any[], id: number) =>
      list
        .filter((x) => Number(x.customer_id) === id)
        .map((x) => x.name)
        .sort()
        .join(', ');
    return rows.map((r: any) => [
      r.name,
      Number(r.id),
      Number(r.total_spent),
      r.quadrant ? QUADRANTS[r.quadrant] : null,
      STAGES[r.stage],
      namesOf(tags, Number(r.id)),
      namesOf(members, Number(r.id)),
      // SQLite keeps Strapi datetimes as epoch milliseconds.
      ((at: Date) => (dates === 'excel' ? new Date(at.getTime() + 8 * 3_600_000) : text.format(at)))(
        new Date(/^\d+$/.test(String(r.created_at)) ? Number(r.created_at) : r.created_at)
      ),
    ]);
  };

  beforeAll(async () => {
    app = await startStrapi({ http: true });
    admin = await adminSession(app);
    exporter = await restrictedSession(app, ['segments.read', 'export']);
    const k = app.strapi.db.connection;
    const rows = Array.from({ length: N }, (_, i) => ({
      document_id: `chosen-${i}`,
      name: i === 3 ? 'Client "3", with\nline break' : i === 4 ? '=SUM(A1)' : `客户 ${i}`,
      stage: i % 2 ? 'signed' : 'consultation',
      email: `c${i}@example.com`,
      phone: `1380000${String(1000 + i)}`,
      notes: `private note ${i}`,
      created_at: new Date(Date.UTC(2026, 0, 1 + i, 20, 30)),
      updated_at: new Date(),
      published_at: new Date(),
    }));
    await k('customers').insert(rows);
    await app.strapi.plugin('client-insights').service('metrics').rebuild();
    const ids: number[] = (await k('customers').where('document_id', 'like', 'chosen-%').orderBy('id').pluck('id')).map(Number);
    for (const [i, id] of ids.entries())
      await k('ci_customer_metrics')
        .where({ customer_id: id })
        .update({ total_spent: i * 100.25 });
    await k('ci_customer_scores').insert(ids.slice(0, 10).map((id, i) => ({ customer_id: id, quadrant: i % 2 ? 'dormant' : 'high_value', r: 1 + (i % 5) })));
    const tag = await call(admin, 'POST', '/tags', { name: 'VIP 客户', category: 'basic' });
    const other = await call(admin, 'POST', '/tags', { name: 'Alumni', category: 'basic' });
    for (const id of ids.slice(0, 6)) expect((await call(admin, 'POST', `/customers/${id}/tags`, { tagId: tag.body.data.id })).status).toBeLessThan(300);
    for (const id of ids.slice(3, 5)) expect((await call(admin, 'POST', `/customers/${id}/tags`, { tagId: other.body.data.id })).status).toBeLessThan(300);
    for (const [name, stage] of [
      ['Signed ones', 'signed'],
      ['Consulting', 'consultation'],
    ]) {
      const seg = await call(admin, 'POST', '/segments', { data: { name, rule: { '==': [{ var: 'customer.stage' }, stage] } } });
      expect((await call(admin, 'POST', `/segments/${seg.body.data.id}/execute`, { data: { wait: true } })).body.data.status).toBe('success');
    }
  }, 180_000);
  afterAll(async () => app?.stop());

  it('writes the chosen fields in the chosen order as CSV: labels and codes translated, every cell as the database holds it', async () => {
    const { job, file } = await exported(exporter, { source: 'customers', filter: { q: '' }, fields: FIELDS });
    expect(job.result).toMatchObject({ rows: N, format: 'csv', filename: 'customers.csv' });
    expect(file.type).toMatch(/^text\/csv/);
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...data] = parseCsv(file.bytes.toString('utf8').slice(1));
    expect(header).toEqual(HEADER);
    const expected = (await expectedRows()).map((r) => r.map((v) => (v === null ? '' : String(v))));
    // Formula-looking text is neutralised for spreadsheets (a leading apostrophe), as in every CSV export.
    expected[4][0] = `'${expected[4][0]}`;
    expect(data).toEqual(expected);
    expect(data.some((r) => r[5] === 'Alumni, VIP 客户')).toBe(true);
  });

  it('writes the same as .xlsx, read back cell by cell: numbers as numbers, text as text, dates as Excel dates', async () => {
    const { job, file } = await exported(exporter, { source: 'customers', filter: {}, fields: FIELDS, format: 'xlsx' });
    expect(job.result).toMatchObject({ rows: N, format: 'xlsx', sheets: 1, filename: 'customers.xlsx', bytes: file.bytes.length });
    expect(file.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    // Audited as every export: the request (with its fields and format) and the download.
    const audit = app.strapi.db.connection('ci_audit_log');
    const asked = await audit.clone().where({ action: 'POST /exports', status: 202 }).orderBy('id', 'desc').first('details');
    expect(String(asked.details)).toContain('"format":"xlsx"');
    expect(
      await audit
        .clone()
        .where({ action: 'GET /exports/:jobId/file', status: 200, target_id: String(job.id) })
        .first('id')
    ).toBeTruthy();
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.bytes as any);
    expect(book.worksheets).toHaveLength(1);
    const cells: unknown[][] = [];
    book.worksheets[0].eachRow({ includeEmpty: true }, (row) => cells.push(FIELDS.map((_, i) => row.getCell(i + 1).value ?? null)));
    expect(cells[0]).toEqual(HEADER);
    // An empty list is an empty text in the CSV and no value in the sheet.
    const expected = (await expectedRows('excel')).map((r) => r.map((v) => (v === '' ? null : v)));
    expect(cells.slice(1)).toEqual(expected);
    // The creation date is a date cell with a date format (sortable and filterable in Excel), not text.
    const created = book.worksheets[0].getRow(2).getCell(FIELDS.indexOf('customer.created_at') + 1);
    expect(created.type).toBe(ExcelJS.ValueType.Date);
    expect(created.numFmt).toBe('yyyy-mm-dd hh:mm');
  });

  it('masks contact fields for a user without sensitive.view, and exports a segment result by chosen fields', async () => {
    const fields = ['customer.id', 'customer.email', 'customer.phone', 'customer.notes'];
    const { file } = await exported(exporter, { source: 'customers', filter: {}, fields });
    const [header, ...data] = parseCsv(file.bytes.toString('utf8').slice(1));
    expect(header).toEqual(['ID', '邮箱', '电话', '备注']);
    expect(data).toHaveLength(N);
    for (const row of data) {
      expect(row[1]).toMatch(/^c\*\*\*@example\.com$/);
      expect(row[2]).toMatch(/^\*{7}\d{4}$/);
      expect(row[3]).toBe('');
    }
    expect(file.bytes.toString('utf8')).not.toMatch(/c\d+@example|private note|13800001/);
    // The super admin holds sensitive.view: the same fields unmasked need approval (tests/approvals).
    const unmasked = await call(admin, 'POST', '/exports', { source: 'customers', filter: {}, fields });
    expect(unmasked.status).toBe(400);
    expect(unmasked.body.error.details.errors[0]).toMatchObject({ path: '/reason', message: expect.stringContaining('email, phone, notes unmasked') });

    const results = await call(admin, 'GET', '/segments/results?pageSize=50');
    const signed = results.body.data.find((r: any) => r.status === 'success' && r.customerCount === Math.floor(N / 2));
    const members = await exported(exporter, {
      source: 'segmentResult',
      result: signed.executionId,
      fields: ['customer.stage', 'customer.id'],
      format: 'xlsx',
    });
    expect(members.job.result).toMatchObject({ rows: Math.floor(N / 2), filename: `segment-result-${signed.executionId}.xlsx` });
  });

  it('refuses unknown, missing and repeated fields and an unknown format with the pointer, creating no job', async () => {
    const before = await jobCount();
    const cases: [unknown, string][] = [
      [['customer.id', 'customer.password'], '/fields/1'],
      [[], '/fields'],
      [['customer.id', 'customer.name', 'customer.id'], '/fields/2'],
      ['customer.id', '/fields'],
    ];
    for (const [fields, pointer] of cases) {
      const res = await call(admin, 'POST', '/exports', { source: 'customers', filter: {}, fields });
      expect(res.status).toBe(400);
      expect(res.body.error.details.errors.map((e: any) => e.path)).toContain(pointer);
    }
    const format = await call(admin, 'POST', '/exports', { source: 'customers', filter: {}, format: 'pdf' });
    expect(format.status).toBe(400);
    expect(format.body.error.details.errors[0].path).toBe('/format');
    expect(await jobCount()).toBe(before);
  });

  it('goes on to a new sheet, header first, past the per-sheet limit and says so in the job result', async () => {
    app.strapi.config.set('plugin::client-insights.exports.xlsxMaxRows', 11);
    try {
      const { job, file } = await exported(exporter, { source: 'customers', filter: {}, fields: ['customer.id'], format: 'xlsx' });
      expect(job.result).toMatchObject({ rows: N, sheets: 3, rowsPerSheet: 10 });
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(file.bytes as any);
      const sheets = book.worksheets.map((ws) => {
        const values: unknown[] = [];
        ws.eachRow((row) => values.push(row.getCell(1).value));
        return values;
      });
      expect(sheets.map((s) => s.length)).toEqual([11, 11, 6]);
      for (const s of sheets) expect(s[0]).toBe('ID');
      const ids = (await expectedRows()).map((r) => r[1]);
      expect(sheets.flatMap((s) => s.slice(1))).toEqual(ids);
    } finally {
      app.strapi.config.set('plugin::client-insights.exports.xlsxMaxRows', undefined);
    }
  });

  it("keeps today's requests: no fields and no format is the fixed-column CSV; xlsx without fields has the same columns", async () => {
    const csv = await exported(exporter, { source: 'customers', filter: { stage: 'signed' } });
    expect(csv.job.result).toMatchObject({ rows: 12, filename: 'customers.csv' });
    expect(csv.file.bytes.toString('utf8')).toContain('累计消费（元）');
    const xlsx = await exported(exporter, { source: 'customers', filter: { stage: 'signed' }, format: 'xlsx' });
    expect(xlsx.job.result).toMatchObject({ rows: 12, format: 'xlsx' });
  });
});
