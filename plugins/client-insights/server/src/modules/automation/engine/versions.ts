import type { Knex } from 'knex';
import { automationDefinitionSchema, type AutomationDefinition } from '../../../../../shared/contracts/automation-definition';
import { readDate } from '../../../core/db/dialect';
import { HOST_TABLES, TABLES } from '../../../core/db/tables';

/** A rule as the engine runs it: the definition of its latest version, snapshotted at activation. */
export type ActiveVersion = { ruleDoc: string; version: number; name: string; definition: AutomationDefinition; activatedAt: Date };

/** Short enough that another node sees an activation or a pause within seconds, long enough to spare a query per event batch. */
const TTL_MS = 5_000;
let cache: { at: number; knex: Knex; versions: Promise<ActiveVersion[]> } | null = null;

/** Forgets the cached list (a rule changed on this node). */
export const invalidateVersions = () => {
  cache = null;
};

const parse = (row: any): ActiveVersion | null => {
  let json: unknown;
  try {
    json = typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition;
  } catch {
    return null;
  }
  const parsed = automationDefinitionSchema.safeParse(json);
  if (!parsed.success) return null;
  return {
    ruleDoc: String(row.rule_doc),
    version: Number(row.version),
    name: String(row.name ?? ''),
    definition: parsed.data,
    activatedAt: readDate(row.created_at) ?? new Date(0),
  };
};

/**
 * Each running rule's version: its `running_version` (set by activation, kept while an edit of a
 * high-risk rule waits for approval), else its latest version (rows activated by hand in tests
 * and by releases before running_version). Running means what guards.isRunning says: active, or
 * pending approval of an edit with a running version.
 */
const running = (knex: Knex) =>
  knex(`${TABLES.automationVersions} as v`)
    .join(`${HOST_TABLES.automationRules} as r`, 'r.document_id', 'v.rule_doc')
    .whereRaw('v.version = coalesce(r.running_version, (select max(v2.version) from ?? as v2 where v2.rule_doc = v.rule_doc))', [TABLES.automationVersions])
    .where((w) => w.where('r.rule_status', 'active').orWhere((p) => p.where('r.rule_status', 'pending_approval').whereNotNull('r.running_version')))
    .select('v.rule_doc', 'v.version', 'v.definition', 'v.created_at', 'r.name');

/**
 * The running rules with the definition of their running version. A stored definition that no
 * longer parses is left out (the API refuses such writes). `fresh` reads the table whatever the
 * cache holds (and refreshes it).
 */
export const activeVersions = (knex: Knex, { fresh = false }: { fresh?: boolean } = {}): Promise<ActiveVersion[]> => {
  if (!fresh && cache && cache.knex === knex && Date.now() - cache.at < TTL_MS) return cache.versions;
  const versions = running(knex)
    .orderBy('v.rule_doc')
    .then((rows: any[]) => rows.map(parse).filter((v): v is ActiveVersion => v !== null));
  cache = { at: Date.now(), knex, versions };
  versions.catch(() => invalidateVersions());
  return versions;
};

/** One version of a rule (a running sequence keeps the version it started with), active or not. */
export const loadVersion = async (knex: Knex, ruleDoc: string, version: number): Promise<ActiveVersion | null> => {
  const row = await knex(`${TABLES.automationVersions} as v`)
    .leftJoin(`${HOST_TABLES.automationRules} as r`, 'r.document_id', 'v.rule_doc')
    .where({ 'v.rule_doc': ruleDoc, 'v.version': version })
    .first('v.rule_doc', 'v.version', 'v.definition', 'v.created_at', 'r.name');
  return row ? parse(row) : null;
};
