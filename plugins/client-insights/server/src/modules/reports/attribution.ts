import type { Knex } from 'knex';
import type { Step } from '../../../../shared/contracts/automation-definition';
import type { AttributionQuery, CampaignAttribution, HoldoutResult } from '../../../../shared/contracts/reports';
import { ATTRIBUTION_FLAGS, MIN_HOLDOUT_GROUP } from '../../../../shared/contracts/reports';
import { TABLES, type HostTables } from '../../core/db/tables';
import { storedJson } from '../../core/security/stored-json';
import { attributionFigures, type TaggedStep } from './attribution-sql';
import { campaignHoldout, ruleHoldout } from './holdout-sql';
import { liftOf } from './holdout';
import { periodOf } from './periods';

export type CampaignRow = {
  id: number;
  documentId: string;
  name: string;
  budget: number | null;
  holdoutPercent: number;
  startedAt: Date | null;
  endedAt: Date | null;
};
type SegmentRef = { id: number; key: string; name: string };
type Flag = (typeof ATTRIBUTION_FLAGS)[number];

/** Steps with a campaignId in a definition, with their paths as the engine writes them ("0", "2.then.1"). */
const campaignSteps = (steps: Step[], prefix = ''): Array<{ path: string; campaignId: number }> =>
  steps.flatMap((step, i) => {
    const path = `${prefix}${i}`;
    if (step.kind === 'action') {
      const campaignId = (step.action as { campaignId?: number }).campaignId;
      return campaignId === undefined ? [] : [{ path, campaignId: Number(campaignId) }];
    }
    if (step.kind === 'if') return [...campaignSteps(step.then ?? [], `${path}.then.`), ...campaignSteps(step.else ?? [], `${path}.else.`)];
    return [];
  });

/**
 * Every automation step tagged with any campaign, from the rule versions as activated (a log row
 * names its rule version and step path, so the campaign is the one that version's step carried);
 * and, per rule that tagged this campaign in its latest version, its holdout percent. The versions
 * are few (one per activation) and their definitions JSON, so they are read and walked here.
 */
export const taggedSteps = async (knex: Knex, campaignId: number) => {
  const rows = await knex(TABLES.automationVersions).where('definition', 'like', '%campaignId%').select('rule_doc', 'version', 'definition').orderBy('version');
  const steps: TaggedStep[] = [];
  const rules = new Map<string, number>();
  for (const row of rows) {
    const definition = storedJson(row.definition) as { steps?: Step[]; guard?: { holdoutPercent?: number } } | null;
    const found = campaignSteps(definition?.steps ?? []);
    for (const s of found) steps.push({ ruleDoc: row.rule_doc, version: Number(row.version), stepPath: s.path, campaignId: s.campaignId });
    if (found.some((s) => s.campaignId === campaignId)) rules.set(row.rule_doc, Number(definition?.guard?.holdoutPercent ?? 0));
    else rules.delete(row.rule_doc);
  }
  return { steps, rules };
};

/**
 * A campaign's attribution: its touches and conversions, every requested model's credit and ROI
 * (attribution-sql.ts), and the lift over each holdout (its own and its automation rules').
 */
export const campaignAttribution = async (
  knex: Knex,
  t: HostTables,
  campaign: CampaignRow,
  segment: SegmentRef | null,
  q: AttributionQuery,
  ruleNames: (docs: string[]) => Promise<Map<string, string>>
): Promise<CampaignAttribution> => {
  const period = q.from && q.to ? periodOf(q.from, q.to, q.timeZone) : null;
  const seg = segment ? { id: segment.id, membership: q.membership } : null;
  const { steps, rules } = await taggedSteps(knex, campaign.id);
  const figures = await attributionFigures(knex, t, { campaignId: campaign.id, steps, window: q.window, halfLife: q.halfLife, period, segment: seg });
  const budget = campaign.budget;
  const roi = (margin: number) => (budget !== null && budget > 0 ? (margin - budget) / budget : null);

  const holdouts: HoldoutResult[] = [];
  if (campaign.holdoutPercent > 0) {
    // The campaign's own period when no period is asked; else from its first day to now.
    const start = period?.start ?? campaign.startedAt ?? new Date(0);
    const end = period?.end ?? campaign.endedAt ?? new Date();
    const split = await campaignHoldout(knex, t, { campaignId: campaign.id, percent: campaign.holdoutPercent, window: q.window, start, end, segment: seg });
    holdouts.push({ source: 'campaign', ruleDoc: null, name: campaign.name, percent: campaign.holdoutPercent, ...liftOf(split.treated, split.holdout) });
  }
  const names = await ruleNames([...rules.keys()]);
  for (const [ruleDoc, percent] of rules) {
    const split = await ruleHoldout(knex, { ruleDoc, window: q.window, period });
    if (split.holdout.customers === 0 && percent === 0) continue;
    holdouts.push({ source: 'rule', ruleDoc, name: names.get(ruleDoc) ?? ruleDoc, percent, ...liftOf(split.treated, split.holdout) });
  }

  const flags: Flag[] = [];
  if (figures.touches.interactions + figures.touches.automation === 0) flags.push('no_touches');
  if (figures.conversions.orders === 0) flags.push('no_conversions');
  if (budget === null || budget <= 0) flags.push('no_budget');
  if (figures.conversions.marginOrders < figures.conversions.orders) flags.push('partial_margin');
  if (holdouts.length === 0) flags.push('no_holdout');

  return {
    campaign: { id: campaign.id, documentId: campaign.documentId, name: campaign.name, budget, holdoutPercent: campaign.holdoutPercent },
    window: q.window,
    halfLife: q.halfLife,
    segment: segment ? { ...segment, membership: q.membership } : null,
    period: period ? { start: period.start.toISOString(), end: period.end.toISOString() } : null,
    touches: figures.touches,
    conversions: figures.conversions,
    models: q.models.map((model) => ({ model, ...figures.credits[model], roi: roi(figures.credits[model].margin) })),
    holdouts,
    minGroup: MIN_HOLDOUT_GROUP,
    flags,
  };
};
