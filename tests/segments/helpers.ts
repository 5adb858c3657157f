import type { Core } from '@strapi/strapi';
import type { TestApp } from '../helpers/strapi';

/** HTTP against a started test app, JSON in and out. */
export const client = (app: TestApp, token: string) => async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = text;
  try {
    json = JSON.parse(text);
  } catch {
    /* CSV and other text stay text */
  }
  return { status: res.status, body: json, headers: res.headers };
};

export type CustomerSpec = { name: string; stage: string; region?: string; paid?: number[] };

/** Customers (and their paid orders) through the Document Service, then the metrics rollup drained. */
export const createCustomers = async (strapi: Core.Strapi, specs: CustomerSpec[]) => {
  const ids: number[] = [];
  for (const spec of specs) {
    const c = await strapi
      .documents('api::customer.customer')
      .create({ data: { name: spec.name, stage: spec.stage, region: spec.region ?? 'Shanghai' } as any });
    for (const amount of spec.paid ?? []) {
      await strapi.documents('api::order.order').create({
        data: { amount, kind: 'new', payment_status: 'paid', ordered_at: new Date(Date.now() - 86_400_000).toISOString(), customer: c.documentId } as any,
      });
    }
    ids.push(Number(c.id));
  }
  await strapi.plugin('client-insights').service('metrics').drain();
  return ids;
};

export const segmentsService = (strapi: Core.Strapi) => strapi.plugin('client-insights').service('segments');

/** Current members of a segment straight from the tables. */
export const currentMembers = async (strapi: Core.Strapi, segmentId: number): Promise<number[]> => {
  const knex = strapi.db.connection;
  const rows = await knex('ci_segment_members as m')
    .join('ci_segment_current as c', (j) => j.on('c.segment_id', 'm.segment_id').andOn('c.run_id', 'm.run_id'))
    .where('m.segment_id', segmentId)
    .orderBy('m.customer_id')
    .pluck('m.customer_id');
  return rows.map(Number);
};

export const sorted = (ids: Iterable<number>) => [...ids].map(Number).sort((a, b) => a - b);

export const stage = (value: string) => ({ '==': [{ var: 'customer.stage' }, value] });
export const region = (value: string) => ({ '==': [{ var: 'customer.region' }, value] });
