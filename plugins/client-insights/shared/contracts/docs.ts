import { z } from 'zod';
import { endpoint, noQuery } from './http';

/** The plugin's API described as OpenAPI 3.1, generated from these contracts (served as is, not wrapped in `data`). */
export const openApiDocumentSchema = z
  .object({
    openapi: z.string(),
    info: z.object({ title: z.string(), version: z.string() }).passthrough(),
    paths: z.record(z.string(), z.record(z.string(), z.unknown())),
    components: z.record(z.string(), z.unknown()),
  })
  .passthrough();

export const docsApi = {
  openapi: endpoint({ method: 'GET', path: '/openapi.json', query: noQuery, response: openApiDocumentSchema }),
};

export type OpenApiDocument = z.infer<typeof openApiDocumentSchema>;
