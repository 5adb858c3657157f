/**
 * The field and operator catalogue of the rule language (docs/rules.md): what a rule may
 * read and how. The validator, the compiler, the evaluator and the builder UI are all drawn from it.
 * SQL column mapping lives in compile.ts, so this stays safe to serve as is.
 */
import type { Catalogue } from '../../../../shared/contracts/rules';
import { EDUCATION_LEVELS, INTERACTION_TYPES, LEAD_SOURCES, QUADRANTS, RFM_SEGMENTS, STAGES } from '../../../../shared/enums';
import { L } from '../../../../shared/labels';
import { SENSITIVE_RULE_FIELDS } from '../../../../shared/sensitive';
import { isHashedField } from '../../core/security/field-crypto';
import { DEFAULT_LIMITS, type FieldDef, type OperatorDef, type RuleLimits } from './types';

/** The host Interaction's types (declared once in shared/enums.ts, also automation's events). */
export { INTERACTION_TYPES };

export const ORDER_KINDS = ['new', 'renewal', 'upsell'] as const;
export const ORDER_STATUSES = ['paid', 'pending', 'overdue', 'refunded'] as const;

const EQUALITY = ['==', '!=', '===', '!=='];
const ORDERING = ['>', '>=', '<', '<=', 'between', 'between_exclusive'];
const OPS_BY_TYPE = {
  string: [...EQUALITY, 'in', 'contains'],
  enum: [...EQUALITY, 'in'],
  number: [...EQUALITY, ...ORDERING, 'in'],
  datetime: [...EQUALITY, ...ORDERING, 'days_since'],
};

type FieldSpec = Omit<FieldDef, 'operators' | 'group' | 'sensitive' | 'encrypted'>;
/** A field of the catalogue; whether it is sensitive comes from the one list (shared/sensitive.ts). */
/**
 * A customer field encrypted at rest with a hash beside it (core/security/field-crypto.ts): SQL
 * compares hashes, so only whole-value operators; text search inside it is impossible.
 */
const encrypted = (path: string) => path.startsWith('customer.') && isHashedField(path.slice('customer.'.length));
const field = (spec: FieldSpec): FieldDef => ({
  ...spec,
  group: spec.path.split('.')[0] as FieldDef['group'],
  operators: encrypted(spec.path) ? [...EQUALITY, 'in'] : OPS_BY_TYPE[spec.type],
  ...(SENSITIVE_RULE_FIELDS.includes(spec.path) ? { sensitive: true } : {}),
  ...(encrypted(spec.path) ? { encrypted: true } : {}),
});

export const FIELDS: FieldDef[] = [
  field({ path: 'customer.name', type: 'string', labels: L('Name', '姓名', '姓名') }),
  field({ path: 'customer.email', type: 'string', labels: L('Email', '邮箱', '電郵') }),
  field({ path: 'customer.phone', type: 'string', labels: L('Phone', '电话', '電話') }),
  field({ path: 'customer.region', type: 'string', labels: L('Region / city', '地区 / 城市', '地區 / 城市') }),
  field({ path: 'customer.language', type: 'string', labels: L('Preferred language', '偏好语言', '偏好語言') }),
  field({
    path: 'customer.education',
    type: 'enum',
    labels: L('Education', '学历', '學歷'),
    enumValues: [...EDUCATION_LEVELS],
  }),
  field({ path: 'customer.target_major', type: 'string', labels: L('Target major', '目标专业', '目標專業') }),
  field({ path: 'customer.program', type: 'string', labels: L('Programme applied for', '申请项目', '申請項目') }),
  field({
    path: 'customer.stage',
    type: 'enum',
    labels: L('Stage', '阶段', '階段'),
    enumValues: [...STAGES],
  }),
  field({
    path: 'customer.lead_source',
    type: 'enum',
    labels: L('Lead source', '线索来源', '線索來源'),
    enumValues: [...LEAD_SOURCES],
  }),
  field({ path: 'customer.created_at', type: 'datetime', labels: L('Created at', '创建时间', '建立時間') }),
  field({ path: 'customer.owner', type: 'number', integer: true, labels: L('Owner (admin user id)', '负责人（管理员 ID）', '負責人（管理員 ID）') }),
  field({ path: 'metrics.order_count', type: 'number', integer: true, count: true, labels: L('Paid orders', '已付订单数', '已付訂單數') }),
  field({ path: 'metrics.total_spent', type: 'number', count: true, labels: L('Total spent', '累计消费', '累計消費') }),
  field({ path: 'metrics.gross_margin', type: 'number', count: true, labels: L('Gross margin', '毛利', '毛利') }),
  field({ path: 'metrics.avg_order_value', type: 'number', labels: L('Average order value', '平均订单金额', '平均訂單金額') }),
  field({ path: 'metrics.first_order_at', type: 'datetime', labels: L('First paid order', '首次付费订单', '首次付費訂單') }),
  field({ path: 'metrics.last_order_at', type: 'datetime', labels: L('Last paid order', '最近付费订单', '最近付費訂單') }),
  field({ path: 'metrics.renewal_count', type: 'number', integer: true, count: true, labels: L('Paid renewals', '续费次数', '續費次數') }),
  field({ path: 'metrics.overdue_amount', type: 'number', count: true, labels: L('Overdue amount', '逾期金额', '逾期金額') }),
  field({ path: 'metrics.contract_end_at', type: 'datetime', labels: L('Contract end', '合同结束日期', '合約結束日期') }),
  field({ path: 'metrics.last_interaction_at', type: 'datetime', labels: L('Last interaction', '最近互动', '最近互動') }),
  field({ path: 'metrics.referral_count', type: 'number', integer: true, count: true, labels: L('Referrals', '推荐人数', '推薦人數') }),
  field({ path: 'metrics.complaint_count', type: 'number', integer: true, count: true, labels: L('Complaints', '投诉次数', '投訴次數') }),
  field({ path: 'score.r', type: 'number', integer: true, labels: L('Recency score (1–5)', '最近消费得分 (1–5)', '最近消費得分 (1–5)') }),
  field({ path: 'score.f', type: 'number', integer: true, labels: L('Frequency score (1–5)', '消费频率得分 (1–5)', '消費頻率得分 (1–5)') }),
  field({ path: 'score.m', type: 'number', integer: true, labels: L('Monetary score (1–5)', '消费金额得分 (1–5)', '消費金額得分 (1–5)') }),
  field({ path: 'score.rfm', type: 'number', labels: L('RFM score', 'RFM 综合得分', 'RFM 綜合得分') }),
  field({
    path: 'score.rfm_segment',
    type: 'enum',
    labels: L('RFM segment', 'RFM 分群', 'RFM 分群'),
    enumValues: [...RFM_SEGMENTS],
  }),
  field({
    path: 'score.quadrant',
    type: 'enum',
    labels: L('Value quadrant', '价值象限', '價值象限'),
    enumValues: [...QUADRANTS],
  }),
  // A margin over the configured horizon (values/config.ts clv.horizonMonths), not a lifetime total.
  field({
    path: 'score.clv',
    type: 'number',
    labels: L(
      'CLV: predicted margin over the horizon (default 36 months)',
      'CLV：预测期内的预期毛利（默认 36 个月）',
      'CLV：預測期內的預期毛利（預設 36 個月）'
    ),
  }),
  field({ path: 'score.churn_risk', type: 'number', labels: L('Churn risk (0–1)', '流失风险 (0–1)', '流失風險 (0–1)') }),
  field({ path: 'score.renewal_probability', type: 'number', labels: L('Renewal probability (0–1)', '续费概率 (0–1)', '續費機率 (0–1)') }),
  field({ path: 'score.upsell_probability', type: 'number', labels: L('Upsell probability (0–1)', '增购概率 (0–1)', '加購機率 (0–1)') }),
];

const FIELD_BY_PATH = new Map(FIELDS.map((f) => [f.path, f]));

export const getField = (path: string): FieldDef | undefined => (typeof path === 'string' ? FIELD_BY_PATH.get(path) : undefined);

/**
 * Operator ids as the builder shows them. Most are the JSON-Logic key itself; `between`,
 * `between_exclusive` and `contains` are the 3-argument `<=` / `<` and the text form of `in`.
 */
export const OPERATORS: OperatorDef[] = [
  { name: 'and', form: '{"and": [rule, ...]}', returns: 'boolean', labels: L('all of', '全部满足', '全部符合') },
  { name: 'or', form: '{"or": [rule, ...]}', returns: 'boolean', labels: L('any of', '任一满足', '任一符合') },
  { name: '!', form: '{"!": [rule]}', returns: 'boolean', labels: L('not', '非', '非') },
  { name: '==', form: '{"==": [value, literal|null]}', returns: 'boolean', labels: L('equals', '等于', '等於') },
  { name: '!=', form: '{"!=": [value, literal|null]}', returns: 'boolean', labels: L('does not equal', '不等于', '不等於') },
  { name: '===', form: '{"===": [value, literal|null]}', returns: 'boolean', labels: L('equals', '等于', '等於') },
  { name: '!==', form: '{"!==": [value, literal|null]}', returns: 'boolean', labels: L('does not equal', '不等于', '不等於') },
  { name: '>', form: '{">": [value, literal]}', returns: 'boolean', labels: L('greater than', '大于', '大於') },
  { name: '>=', form: '{">=": [value, literal]}', returns: 'boolean', labels: L('at least', '大于等于', '大於等於') },
  { name: '<', form: '{"<": [value, literal]}', returns: 'boolean', labels: L('less than', '小于', '小於') },
  { name: '<=', form: '{"<=": [value, literal]}', returns: 'boolean', labels: L('at most', '小于等于', '小於等於') },
  { name: 'between', form: '{"<=": [low, value, high]}', returns: 'boolean', labels: L('between (inclusive)', '介于（含端点）', '介於（含端點）') },
  {
    name: 'between_exclusive',
    form: '{"<": [low, value, high]}',
    returns: 'boolean',
    labels: L('between (exclusive)', '介于（不含端点）', '介於（不含端點）'),
  },
  { name: 'in', form: '{"in": [{"var": field}, [literal, ...]]}', returns: 'boolean', labels: L('is one of', '属于其中之一', '屬於其中之一') },
  { name: 'contains', form: '{"in": ["text", {"var": field}]}', returns: 'boolean', labels: L('contains', '包含', '包含') },
  { name: 'has_tag', form: '{"has_tag": ["tag-slug"]}', returns: 'boolean', labels: L('has tag', '带有标签', '帶有標籤') },
  { name: 'in_segment', form: '{"in_segment": ["segment-key"]}', returns: 'boolean', labels: L('is in segment', '属于分群', '屬於分群') },
  {
    name: 'event_count',
    form: '{"event_count": [interaction_type, days|null]}',
    returns: 'number',
    labels: L('interactions of a type in the last N days', '近 N 天某类互动次数', '近 N 天某類互動次數'),
  },
  {
    name: 'order_count',
    form: '{"order_count": [days|null]}',
    returns: 'number',
    labels: L('paid orders in the last N days', '近 N 天付费订单数', '近 N 天付費訂單數'),
  },
  {
    name: 'order_total',
    form: '{"order_total": [days|null]}',
    returns: 'number',
    labels: L('paid amount in the last N days', '近 N 天付费金额', '近 N 天付費金額'),
  },
  { name: 'days_since', form: '{"days_since": [{"var": datetime field}]}', returns: 'number', labels: L('days since', '距今天数', '距今天數') },
];

export type { Catalogue };

export const catalogue = (limits: Partial<RuleLimits> = {}): Catalogue => ({
  fields: FIELDS,
  operators: OPERATORS,
  eventTypes: [...INTERACTION_TYPES],
  orderKinds: [...ORDER_KINDS],
  orderStatuses: [...ORDER_STATUSES],
  limits: { ...DEFAULT_LIMITS, ...limits },
});
