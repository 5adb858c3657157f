import { z } from 'zod';
import { dataOf, endpoint, idParams } from '../../../../shared/contracts/http';
import { ApiError } from './errors';
import { respond } from './respond';

const ctxOf = ({ params = {}, query = {}, body }: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown } = {}) => ({
  params,
  query,
  request: { body },
  state: {},
  status: 404,
  body: undefined as unknown,
});

const thing = endpoint({
  method: 'PUT',
  path: '/things/:id',
  params: idParams,
  query: z.object({ page: z.coerce.number().int().min(1).optional() }),
  body: z.object({ name: z.string().min(1), 'a/b': z.number().optional() }).strict(),
  wrappedBody: true,
  response: dataOf(z.object({ id: z.number(), name: z.string() })),
  statuses: [200, 202],
});

describe('respond: the one HTTP edge', () => {
  it('answers the handler result with parsed input', async () => {
    const ctx = ctxOf({ params: { id: '7' }, query: { page: '2' }, body: { data: { name: 'x' } } });
    await respond(ctx, thing, ({ params, query, body, viewer }) => {
      expect(params.id).toBe(7);
      expect(query.page).toBe(2);
      expect(viewer).toEqual({ kind: 'api', seesContact: false });
      return { data: { id: params.id, name: body.name } };
    });
    expect(ctx.status).toBe(200);
    expect(ctx.body).toEqual({ data: { id: 7, name: 'x' } });
  });

  it('refuses bad input with one 400 envelope naming every field by escaped pointer', async () => {
    const ctx = ctxOf({ params: { id: '2147483648' }, query: { page: '0' }, body: { name: '', 'a/b': 'x', extra: 1 } });
    const handler = jest.fn();
    await respond(ctx, thing, handler);
    expect(handler).not.toHaveBeenCalled();
    expect(ctx.status).toBe(400);
    const body = ctx.body as any;
    expect(body.data).toBeNull();
    expect(body.error).toMatchObject({ status: 400, name: 'ValidationError' });
    expect(body.error.details.errors.map((e: any) => e.path)).toEqual(['/id', '/page', '/name', '/a~1b', '/extra']);
    expect(body.error.message).toContain('/id: ');
  });

  it('refuses query parameters of an endpoint that takes none', async () => {
    const bare = endpoint({ method: 'GET', path: '/bare', response: dataOf(z.null()) });
    const ctx = ctxOf({ query: { x: '1' } });
    await respond(ctx, bare, () => ({ data: null }));
    expect(ctx.status).toBe(400);
    expect((ctx.body as any).error.details.errors).toEqual([{ path: '/x', message: expect.stringContaining('unknown query parameter') }]);
  });

  it('answers an ApiError or a zod error thrown below in the envelope, and leaves other errors to Strapi', async () => {
    const ok = { params: { id: '1' }, body: { name: 'x' } };
    const notFound = ctxOf(ok);
    await respond(notFound, thing, () => {
      throw ApiError.notFound('thing 1 not found');
    });
    expect(notFound.status).toBe(404);
    expect(notFound.body).toEqual({ data: null, error: { status: 404, name: 'NotFoundError', message: 'thing 1 not found', details: { errors: [] } } });
    const zod = ctxOf(ok);
    await respond(zod, thing, () => z.object({ n: z.number() }).parse({ n: 'x' }));
    expect(zod.status).toBe(400);
    expect((zod.body as any).error.details.errors[0].path).toBe('/n');
    await expect(respond(ctxOf(ok), thing, () => Promise.reject(new Error('bug')))).rejects.toThrow('bug');
  });

  it('under test, fails an answer that drifts from its contract (a missing or an undeclared field)', async () => {
    const ok = { params: { id: '1' }, body: { name: 'x' } };
    await expect(respond(ctxOf(ok), thing, () => ({ data: { id: 1 } }))).rejects.toThrow(/outside its contract: \/data\/name/);
    await expect(respond(ctxOf(ok), thing, () => ({ data: { id: 1, name: 'x', extra: true } }))).rejects.toThrow(/\/data\/extra: not declared/);
  });

  it('under test, fails an answer with a status its contract does not declare', async () => {
    const ok = { params: { id: '1' }, body: { name: 'x' } };
    await expect(respond(ctxOf(ok), thing, ({ params }) => ({ data: { id: params.id, name: 'x' } }), 201)).rejects.toThrow(
      /answered 201, a status its contract does not declare/
    );
    const bare = endpoint({ method: 'GET', path: '/bare', response: dataOf(z.null()) });
    await expect(respond(ctxOf(), bare, () => ({ data: null }), 202)).rejects.toThrow(/answered 202/);
  });

  it('answers the status chosen for the input', async () => {
    const ctx = ctxOf({ params: { id: '1' }, body: { name: 'later' } });
    await respond(
      ctx,
      thing,
      ({ params, body }) => ({ data: { id: params.id, name: body.name } }),
      ({ body }) => (body.name === 'later' ? 202 : 200)
    );
    expect(ctx.status).toBe(202);
  });

  it('answers the status chosen for the answer (e.g. 202 while a cancelled job is still running)', async () => {
    const pick = (_: unknown, { data }: { data: { name: string } }) => (data.name === 'running' ? 202 : 200);
    const running = ctxOf({ params: { id: '1' }, body: { name: 'x' } });
    await respond(running, thing, ({ params }) => ({ data: { id: params.id, name: 'running' } }), pick);
    expect(running.status).toBe(202);
    const done = ctxOf({ params: { id: '1' }, body: { name: 'x' } });
    await respond(done, thing, ({ params }) => ({ data: { id: params.id, name: 'cancelled' } }), pick);
    expect(done.status).toBe(200);
  });
});
