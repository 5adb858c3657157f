import { segmentsApi } from '../../../shared/contracts/segments';
import { tagsApi } from '../../../shared/contracts/tags';
import { ApiError, createClient, downloadCsv, errorFromBody, urlOf, type FetchClient } from './client';

/** Strapi's fetch client throws a FetchError carrying the answer's body on an error status. */
const fetchError = (status: number, data: unknown) => Object.assign(new Error('Request failed'), { name: 'FetchError', status, response: { data } });

const fake = (answer: (method: string, url: string, body?: unknown, options?: any) => unknown): FetchClient & { calls: unknown[][] } => {
  const calls: unknown[][] = [];
  const call = async (method: string, url: string, body?: unknown, options?: any) => {
    calls.push([method, url, body, options]);
    return { data: answer(method, url, body, options) };
  };
  return {
    calls,
    get: (url, options) => call('GET', url, undefined, options),
    post: (url, body, options) => call('POST', url, body, options),
    put: (url, body, options) => call('PUT', url, body, options),
    del: (url, options) => call('DELETE', url, undefined, options),
  };
};

const tag = {
  id: 1,
  documentId: 'abc',
  name: 'VIP',
  slug: 'vip',
  category: 'value',
  description: null,
  color: null,
  rule: null,
  visibility: 'global',
  usage: 3,
  lastRun: null,
};

describe('the admin API client', () => {
  it('builds the URL and an encoded query from the contract', async () => {
    const client = fake(() => ({ data: [], meta: { pagination: { page: 1, pageSize: 20, pageCount: 0, total: 0 } } }));
    await createClient(client).request(segmentsApi.resultCustomers, { params: { id: 'run/1' }, query: { change: 'added', page: 2 } });
    expect(client.calls[0][0]).toBe('GET');
    expect(client.calls[0][1]).toBe('/client-insights/segments/results/run%2F1/customers');
    expect((client.calls[0][3] as { params: string }).params).toBe('change=added&page=2');
    expect(urlOf(tagsApi.update, { id: 5 })).toBe('/client-insights/tags/5');
  });

  it("throws one ApiError with the server's status, message and field pointers", async () => {
    const envelope = {
      data: null,
      error: {
        status: 400,
        name: 'ValidationError',
        message: '/rule/==/0/var: unknown field',
        details: {
          errors: [
            { path: '/rule/==/0/var', message: 'unknown field' },
            { path: '/name', message: 'required' },
          ],
        },
      },
    };
    const client = fake(() => {
      throw fetchError(400, envelope);
    });
    const error = await createClient(client)
      .request(tagsApi.create, { body: { name: '', category: 'basic' } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, message: '/rule/==/0/var: unknown field' });
    expect(error.at('/name')).toBe('required');
    expect(error.at('/slug')).toBeUndefined();
    expect(error.under('/rule')).toEqual([{ path: '/==/0/var', message: 'unknown field' }]);
  });

  it("reads an error without an envelope, and Strapi's own validation paths (arrays), as pointers", () => {
    expect(errorFromBody(502, 'Bad gateway')).toMatchObject({ status: 502, message: 'HTTP 502', errors: [] });
    const strapi = errorFromBody(400, {
      data: null,
      error: {
        status: 400,
        name: 'ValidationError',
        message: 'Invalid status',
        details: { errors: [{ path: ['status'], message: 'Invalid status', name: 'ValidationError' }] },
      },
    });
    expect(strapi.at('/status')).toBe('Invalid status');
  });

  it('returns an answer that matches the contract, and fails one that drifts from it', async () => {
    const ok = createClient(
      fake(() => ({ data: [tag] })),
      { check: true }
    );
    expect((await ok.request(tagsApi.list, {})).data[0].slug).toBe('vip');
    const { usage: _usage, ...withoutUsage } = tag;
    const drifted = createClient(
      fake(() => ({ data: [withoutUsage] })),
      { check: true }
    );
    await expect(drifted.request(tagsApi.list, {})).rejects.toThrow(/GET \/tags answered outside its contract: \/data\/0\/usage/);
    const unchecked = createClient(
      fake(() => ({ data: [withoutUsage] })),
      { check: false }
    );
    expect((await unchecked.request(tagsApi.list, {})).data).toHaveLength(1);
  });

  it('passes an abort on as it is', async () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    const client = fake(() => {
      throw abort;
    });
    await expect(createClient(client).request(tagsApi.list, {})).rejects.toBe(abort);
  });

  it("downloads a CSV export with the reader's language and time zone in its query, and reads a refusal's envelope", async () => {
    const calls: [string, RequestInit][] = [];
    const answers = [
      new Response('\uFEFFID\n', { status: 200 }),
      new Response(
        JSON.stringify({
          data: null,
          error: { status: 400, name: 'ValidationError', message: '/timeZone: bad', details: { errors: [{ path: '/timeZone', message: 'bad' }] } },
        }),
        { status: 400 }
      ),
    ];
    const real = globalThis.fetch;
    globalThis.fetch = (async (url: string, init: RequestInit) => {
      calls.push([url, init]);
      return answers.shift()!;
    }) as typeof fetch;
    try {
      const blob = await downloadCsv(
        segmentsApi.exportResult,
        { params: { id: 'run-1' }, query: { locale: 'zh-Hans', timeZone: 'Asia/Shanghai' }, body: { change: 'added' } },
        'token',
        'http://host'
      );
      expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([0xef, 0xbb, 0xbf, 0x49, 0x44, 0x0a]);
      expect(calls[0][0]).toBe('http://host/client-insights/segments/results/run-1/export?locale=zh-Hans&timeZone=Asia%2FShanghai');
      expect(calls[0][1]).toMatchObject({ method: 'POST', body: JSON.stringify({ change: 'added' }) });
      const refused = await downloadCsv(segmentsApi.exportResult, { params: { id: 'run-1' }, query: { timeZone: 'Mars/Base' }, body: {} }, 'token').catch(
        (e) => e
      );
      expect(calls[1][0]).toBe('/client-insights/segments/results/run-1/export?timeZone=Mars%2FBase');
      expect(refused).toBeInstanceOf(ApiError);
      expect(refused.at('/timeZone')).toBe('bad');
    } finally {
      globalThis.fetch = real;
    }
  });
});
