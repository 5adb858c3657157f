import { AsyncLocalStorage } from 'node:async_hooks';
import type { Core } from '@strapi/strapi';
import { actionsOf, automationDefinitionSchema, type AutomationDefinition, type Step } from '../../../../shared/contracts/automation-definition';
import { prefixed, type FieldError } from '../../../../shared/errors';
import { UID } from '../../core/constants';
import { zodErrors } from '../../core/http/errors';
import { securityConfig } from '../../core/security/config';
import { storedJson } from '../../core/security/stored-json';
import type { WriteCheck } from '../../core/security/validation';
import { getField } from '../rules/catalogue';
import { validateRule } from '../rules/validate';
import { resolveSchedule } from '../segments/schedule';
import { filtersOf } from './catalogue';

/**
 * What every write of an automation rule must satisfy, whichever path it takes (the plugin's
 * routes, the content manager, REST, GraphQL): a definition that parses, rules of the rule
 * language in its conditions, branches and goal, a schedule no more frequent than segment
 * schedules may be, and references (tags, segments, users, roles, campaigns) that exist.
 */

export type Checked = { ok: true; definition: AutomationDefinition } | { ok: false; errors: FieldError[] };

/** Every rule-language rule in the steps, with its pointer (`/steps/2/rule`, `/steps/2/then/0/rule`). */
const stepRules = (steps: Step[], at: string): Array<[string, unknown]> =>
  steps.flatMap((step, i) =>
    step.kind === 'if'
      ? [[`${at}/${i}/rule`, step.rule] as [string, unknown], ...stepRules(step.then, `${at}/${i}/then`), ...stepRules(step.else, `${at}/${i}/else`)]
      : []
  );

type Ref = { pointer: string; kind: 'tag' | 'segment' | 'staticSegment' | 'user' | 'role' | 'campaign'; id: number };

const referencesOf = (d: AutomationDefinition): Ref[] => {
  const refs: Ref[] = [];
  const t = d.trigger;
  if (t.type === 'schedule') refs.push({ pointer: '/trigger/segmentId', kind: 'segment', id: t.segmentId });
  if ((t.type === 'event' || t.type === 'absence') && t.filters) {
    if (t.filters.segmentId) refs.push({ pointer: '/trigger/filters/segmentId', kind: 'segment', id: t.filters.segmentId });
    if (t.filters.tagId) refs.push({ pointer: '/trigger/filters/tagId', kind: 'tag', id: t.filters.tagId });
    if (t.filters.campaignId) refs.push({ pointer: '/trigger/filters/campaignId', kind: 'campaign', id: t.filters.campaignId });
  }
  if (d.guard.exitOnLeaveSegment) refs.push({ pointer: '/guard/exitOnLeaveSegment', kind: 'segment', id: d.guard.exitOnLeaveSegment });
  for (const { pointer, action: a } of actionsOf(d.steps)) {
    if (a.type === 'tag') refs.push({ pointer: `${pointer}/tagId`, kind: 'tag', id: a.tagId });
    if (a.type === 'segment') refs.push({ pointer: `${pointer}/segmentId`, kind: 'staticSegment', id: a.segmentId });
    if ((a.type === 'email' || a.type === 'sms' || a.type === 'push') && a.campaignId)
      refs.push({ pointer: `${pointer}/campaignId`, kind: 'campaign', id: a.campaignId });
    const who = a.type === 'task' ? { p: `${pointer}/assignee`, to: a.assignee } : a.type === 'notify' ? { p: `${pointer}/to`, to: a.to } : null;
    if (who?.to.to === 'user') refs.push({ pointer: `${who.p}/userId`, kind: 'user', id: who.to.userId });
    if (who?.to.to === 'role') refs.push({ pointer: `${who.p}/roleId`, kind: 'role', id: who.to.roleId });
  }
  return refs;
};

const UIDS = { tag: UID.tag, segment: UID.segment, staticSegment: UID.segment, user: 'admin::user', role: 'admin::role', campaign: UID.campaign } as const;
const NAMES = { tag: 'tag', segment: 'segment', staticSegment: 'static segment', user: 'admin user', role: 'admin role', campaign: 'campaign' } as const;

/** The references that name nothing (a segment action needs a static segment). */
const missingReferences = async (strapi: Core.Strapi, refs: Ref[]): Promise<FieldError[]> => {
  const errors: FieldError[] = [];
  for (const kind of Object.keys(UIDS) as Ref['kind'][]) {
    const wanted = refs.filter((r) => r.kind === kind);
    if (!wanted.length) continue;
    const where: Record<string, unknown> = { id: { $in: [...new Set(wanted.map((r) => r.id))] } };
    if (kind === 'staticSegment') where.type = 'static';
    const found = new Set(((await strapi.db.query(UIDS[kind] as any).findMany({ where, select: ['id'] })) as any[]).map((r) => Number(r.id)));
    for (const r of wanted) if (!found.has(r.id)) errors.push({ path: r.pointer, message: `no ${NAMES[kind]} has id ${r.id}` });
  }
  return errors;
};

/** Checks that need no database: rules, trigger filters, the date field, the schedule. */
const shapeProblems = (strapi: Core.Strapi, d: AutomationDefinition): FieldError[] => {
  const rules: Array<[string, unknown]> = [
    ...(d.conditions === null ? [] : [['/conditions', d.conditions] as [string, unknown]]),
    ...stepRules(d.steps, '/steps'),
  ];
  if (d.guard.goal !== undefined) rules.push(['/guard/goal', d.guard.goal]);
  const errors = rules.flatMap(([at, rule]) => prefixed(at, validateRule(rule).errors));
  const t = d.trigger;
  if (t.type === 'event' && t.filters) {
    const allowed = filtersOf(t.event);
    for (const key of Object.keys(t.filters)) {
      if (!allowed.includes(key as never))
        errors.push({ path: `/trigger/filters/${key}`, message: `not a filter of ${t.event} (it accepts ${allowed.join(', ') || 'none'})` });
    }
  }
  if (t.type === 'absence' && t.event === t.missing) errors.push({ path: '/trigger/missing', message: 'must differ from event' });
  if (t.type === 'date' && getField(t.field)?.type !== 'datetime')
    errors.push({ path: '/trigger/field', message: 'must be a date field of the rule catalogue (e.g. metrics.contract_end_at)' });
  if (t.type === 'schedule') {
    const resolved = resolveSchedule(t.cron, t.timezone, securityConfig(strapi).minScheduleMinutes);
    if ('error' in resolved) errors.push({ path: /time zone/.test(resolved.error) ? '/trigger/timezone' : '/trigger/cron', message: resolved.error });
  }
  return errors;
};

/** The definition `input` parsed and checked, or every problem found (pointers into `input`). */
export const checkDefinition = async (strapi: Core.Strapi, input: unknown): Promise<Checked> => {
  const parsed = automationDefinitionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  const errors = shapeProblems(strapi, parsed.data);
  errors.push(...(await missingReferences(strapi, referencesOf(parsed.data))));
  return errors.length ? { ok: false, errors } : { ok: true, definition: parsed.data };
};

/** The definition stored on a host row (`actions` holds the steps); JSON text is read as JSON. */
export const storedDefinition = (row: Record<string, unknown>) => {
  const definition: Record<string, unknown> = { trigger: storedJson(row.trigger), steps: storedJson(row.actions) };
  const conditions = storedJson(row.conditions);
  const guard = storedJson(row.guard);
  if (conditions !== null) definition.conditions = conditions;
  if (guard !== null) definition.guard = guard;
  return definition;
};

/** The host row's fields for a definition. */
export const definitionFields = (d: AutomationDefinition) => ({ trigger: d.trigger, conditions: d.conditions, actions: d.steps, guard: d.guard });

// Writes the lifecycle makes (status, running version) run inside this context; every other write may not set them.
const lifecycleWrites = new AsyncLocalStorage<true>();
export const asLifecycle = <T>(work: () => Promise<T>) => lifecycleWrites.run(true, work);

const DEFINITION_FIELDS = ['trigger', 'conditions', 'actions', 'guard'] as const;
const same = (a: unknown, b: unknown) => JSON.stringify(storedJson(a) ?? null) === JSON.stringify(storedJson(b) ?? null);

/**
 * The check on every document write of an AutomationRule (core/security/validation.ts). Outside
 * the plugin's lifecycle no path may make a rule active or pending approval, set the version it
 * runs, or change the definition of a rule that is running or awaiting approval (that goes through
 * the plugin's routes, which version and re-approve it).
 */
export const automationWriteCheck =
  (strapi: Core.Strapi): WriteCheck =>
  async (data, stored) => {
    const touched = DEFINITION_FIELDS.some((f) => f in data) || 'rule_status' in data || 'running_version' in data;
    if (!touched) return [];
    const before = await stored();
    const errors: FieldError[] = [];
    if (!lifecycleWrites.getStore()) {
      const status = data.rule_status;
      if ((status === 'active' || status === 'pending_approval') && before?.rule_status !== status)
        errors.push({ path: '/rule_status', message: `only the automation page's activate / submit may make a rule ${status}` });
      if ('running_version' in data && (data.running_version ?? null) !== (before?.running_version ?? null))
        errors.push({ path: '/running_version', message: 'set by activation only' });
      const locked = before && (before.rule_status === 'active' || before.rule_status === 'pending_approval');
      const changed = DEFINITION_FIELDS.filter((f) => f in data && before && !same(data[f], before[f]));
      if (locked && changed.length)
        errors.push({
          path: `/${changed[0]}`,
          message: `the rule is ${before.rule_status}: edit it on the automation page (it is re-versioned and, when high-risk, re-approved)`,
        });
    }
    if (errors.length) return errors;
    if (!DEFINITION_FIELDS.some((f) => f in data) && before) return [];
    const checked = await checkDefinition(strapi, storedDefinition({ ...(before ?? {}), ...data }));
    // The document's field is `actions`; the definition calls it `steps`.
    return checked.ok ? [] : checked.errors.map((e) => ({ ...e, path: e.path.replace(/^\/steps(?=\/|$)/, '/actions') }));
  };
