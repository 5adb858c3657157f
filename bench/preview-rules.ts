/** The rules bench:preview times (also used to compare compile strategies by hand). */
const v = (p: string) => ({ var: p });
const DAY = 86_400_000;
export const now = new Date();
const iso = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY).toISOString();

export const RULES: Array<{ name: string; rule: unknown }> = [
  {
    name: '3 conditions (fields, order window, event window)',
    rule: {
      and: [
        { in: [v('customer.stage'), ['signed', 'in_service']] },
        { '>=': [{ order_count: [365] }, 1] },
        { '>=': [{ event_count: ['meeting_attended', 180] }, 1] },
      ],
    },
  },
  {
    name: '10 conditions (fields, metrics, tags, event and order windows)',
    rule: {
      and: [
        { in: [v('customer.stage'), ['signed', 'in_service', 'application']] },
        { in: [v('customer.region'), ['北京', '上海', '深圳', '广州', '杭州']] },
        { '>': [v('metrics.total_spent'), 20000] },
        { '>=': [{ order_count: [365] }, 1] },
        { '>=': [{ order_total: [730] }, 10000] },
        { '>=': [{ event_count: ['email_open', 180] }, 1] },
        { '==': [{ event_count: ['complaint', 180] }, 0] },
        { '!': [{ has_tag: ['churn-warning'] }] },
        { or: [{ has_tag: ['uk-bound'] }, { has_tag: ['us-bound'] }] },
      ],
    },
  },
  {
    name: '10 conditions, Query-Engine expressible (fields, event and order windows)',
    rule: {
      and: [
        { in: [v('customer.stage'), ['consultation', 'application', 'signed', 'in_service']] },
        { in: [v('customer.region'), ['北京', '上海', '深圳', '广州', '杭州', '成都']] },
        { in: [v('customer.lead_source'), ['website', 'referral', 'event', 'advertising']] },
        { '>': [v('customer.created_at'), iso(5 * 365)] },
        { in: [v('customer.education'), ['high_school', 'bachelor', 'master']] },
        { '!=': [v('customer.target_major'), 'Law'] },
        { '>=': [{ order_count: [730] }, 1] },
        { '>=': [{ event_count: ['email_open', 365] }, 1] },
        { '>=': [{ event_count: ['website_visit', 365] }, 1] },
        { '!=': [v('customer.stage'), 'churned'] },
      ],
    },
  },
  {
    name: '20 conditions (fields, metrics, scores, tags, event and order windows)',
    rule: {
      and: [
        { in: [v('customer.stage'), ['signed', 'in_service', 'application']] },
        { in: [v('customer.region'), ['北京', '上海', '深圳', '广州', '杭州']] },
        { in: [v('customer.lead_source'), ['website', 'referral', 'event', 'advertising', 'partner']] },
        { in: [v('customer.education'), ['high_school', 'bachelor', 'master']] },
        { '>': [v('customer.created_at'), iso(6 * 365)] },
        { '>': [v('metrics.total_spent'), 10000] },
        { '==': [v('metrics.overdue_amount'), 0] },
        { '<=': [v('metrics.complaint_count'), 1] },
        { '<=': [{ days_since: [v('metrics.last_interaction_at')] }, 365] },
        { '>=': [{ order_count: [730] }, 1] },
        { '>=': [{ order_total: [1095] }, 5000] },
        { '>=': [{ event_count: ['email_open', 365] }, 1] },
        { '==': [{ event_count: ['complaint', 365] }, 0] },
        { '>=': [{ event_count: ['website_visit', 730] }, 1] },
        { '!': [{ has_tag: ['churn-warning'] }] },
        { '!': [{ has_tag: ['payment-overdue'] }] },
        { or: [{ has_tag: ['uk-bound'] }, { has_tag: ['us-bound'] }] },
        { or: [{ '==': [v('score.churn_risk'), null] }, { '<': [v('score.churn_risk'), 0.8] }] },
      ],
    },
  },
];
