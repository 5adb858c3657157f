import type { Core } from '@strapi/strapi';
import type { OpenApiDocument } from '../../../../shared/contracts/docs';

/** Our component names inside Strapi's document: its generated ones (`Tag`, `Error`, …) would clash. */
const PREFIX = 'ClientInsights.';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `node` with every `$ref` to a schema or response component renamed under PREFIX. */
const renamed = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(renamed);
  if (!isRecord(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string' ? v.replace(/^#\/components\/(schemas|responses)\//, `#/components/$1/${PREFIX}`) : renamed(v),
    ])
  );
};

const prefixedKeys = (entries: Record<string, unknown> = {}) => Object.fromEntries(Object.entries(entries).map(([k, v]) => [`${PREFIX}${k}`, renamed(v)]));

/**
 * The plugin's content-API operations, described by its contracts, added to the document that
 * @strapi/plugin-documentation generates for the host's content types and serves at
 * `/documentation`: one place lists every content-API route. Its paths are relative to `/api`
 * (its `servers` entry); the plugin's admin routes stay in the plugin's own document
 * (`/api/client-insights/openapi.json`, `/client-insights/openapi.json`). Registered in the
 * register phase: Strapi's plugin generates its document in its bootstrap.
 */
export const addToStrapiDocumentation = (strapi: Core.Strapi, document: OpenApiDocument) => {
  const documentation = strapi.plugin('documentation');
  if (!documentation) return;
  const prefix = strapi.config.get('api.rest.prefix', '/api') as string;
  const paths = Object.fromEntries(
    Object.entries(document.paths)
      .filter(([path]) => path.startsWith(`${prefix}/`))
      .map(([path, item]) => [path.slice(prefix.length), renamed(item)])
  );
  const components = document.components as {
    schemas?: Record<string, unknown>;
    responses?: Record<string, unknown>;
    securitySchemes?: Record<string, unknown>;
  };
  documentation.service('override').registerOverride({
    paths,
    components: {
      schemas: prefixedKeys(components.schemas),
      responses: prefixedKeys(components.responses),
      securitySchemes: { apiToken: components.securitySchemes?.apiToken },
    },
  });
};

/**
 * Strapi's plugin writes its document only outside production (it expects it committed); here
 * the generated files are git-ignored, so a production start writes it (under dist/) too.
 */
export const generateStrapiDocumentationInProduction = async (strapi: Core.Strapi) => {
  const documentation = strapi.plugin('documentation');
  if (!documentation || process.env.NODE_ENV !== 'production') return;
  try {
    await documentation.service('documentation').generateFullDoc();
  } catch (error) {
    strapi.log.error(`[client-insights] could not write the /documentation document: ${(error as Error).message}`);
  }
};
