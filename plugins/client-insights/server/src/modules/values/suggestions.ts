import type { ValueStrategy } from '../../../../shared/enums';
import type { Quadrant, RfmSegment } from './config';

/**
 * The strategy suggested for each RFM segment and quadrant: a code (the value page's cards send
 * it; the admin's translations word it, `values.strategy.<code>`), and its words in en / zh-Hans /
 * zh (Traditional), returned with a customer's value score. suggestions.test.ts keeps these words
 * equal to the admin's.
 */
export type Localised = { en: string; 'zh-Hans': string; zh: string };

export const SEGMENT_STRATEGY: Record<RfmSegment, ValueStrategy> = {
  champions: 'premium_and_referral',
  loyal: 'renew_early',
  potential: 'tailored_plan',
  new: 'onboard_for_second_purchase',
  at_risk: 'personal_win_back',
  lost: 'low_cost_reengagement',
};

export const QUADRANT_STRATEGY: Record<Quadrant, ValueStrategy> = {
  high_value: 'protect_relationship',
  potential: 'nurture_frequency',
  dormant: 'low_cost_reactivation',
  churn_risk: 'resolve_then_win_back',
};

export const STRATEGY_TEXTS: Record<ValueStrategy, Localised> = {
  premium_and_referral: {
    en: 'Recent, frequent, high-spending: offer premium services (PhD or second-degree planning) and invite them to refer friends.',
    'zh-Hans': '近期活跃、频次高、消费高：推荐高端服务（博士或第二学位规划），并邀请其推荐亲友。',
    zh: '近期活躍、頻次高、消費高：推薦高端服務（博士或第二學位規劃），並邀請其推薦親友。',
  },
  renew_early: {
    en: 'Buy regularly: propose renewals and add-on services early, and keep a dedicated consultant in touch.',
    'zh-Hans': '稳定复购：提前推荐续约和增值服务，并由专属顾问保持联系。',
    zh: '穩定回購：提前推薦續約和加值服務，並由專屬顧問保持聯繫。',
  },
  tailored_plan: {
    en: 'Recently active but not yet buying often: follow up with a tailored application plan and a limited-time consultation.',
    'zh-Hans': '近期活跃但购买不多：提供定制的申请方案和限时咨询跟进。',
    zh: '近期活躍但購買不多：提供客製化的申請方案和限時諮詢跟進。',
  },
  onboard_for_second_purchase: {
    en: 'First purchase just made: onboard well (welcome call, timeline, document checklist) to earn the second purchase.',
    'zh-Hans': '刚完成首单：做好服务启动（欢迎电话、时间表、材料清单），争取第二次购买。',
    zh: '剛完成首單：做好服務啟動（歡迎電話、時間表、資料清單），爭取第二次購買。',
  },
  personal_win_back: {
    en: 'Used to buy well but not recently: call them personally, review open issues and offer a renewal incentive.',
    'zh-Hans': '曾经贡献较高但近期沉寂：由顾问亲自致电，排查未解决的问题并提供续约优惠。',
    zh: '曾經貢獻較高但近期沉寂：由顧問親自致電，排查未解決的問題並提供續約優惠。',
  },
  low_cost_reengagement: {
    en: 'Inactive and low value: include them in low-cost re-engagement campaigns (newsletters, open days) only.',
    'zh-Hans': '长期不活跃且价值较低：仅纳入低成本的唤醒活动（电子报、开放日）。',
    zh: '長期不活躍且價值較低：僅納入低成本的喚醒活動（電子報、開放日）。',
  },
  protect_relationship: {
    en: 'High value: protect the relationship with a senior consultant, priority service and regular check-ins.',
    'zh-Hans': '高价值：由资深顾问维护关系，提供优先服务和定期回访。',
    zh: '高價值：由資深顧問維護關係，提供優先服務和定期回訪。',
  },
  nurture_frequency: {
    en: 'Potential: recent but not yet frequent; nurture with relevant content and offers to raise frequency.',
    'zh-Hans': '潜力客户：近期活跃但频次不高，用相关内容和优惠培养，提高购买频次。',
    zh: '潛力客戶：近期活躍但頻次不高，用相關內容和優惠培養，提高購買頻次。',
  },
  low_cost_reactivation: {
    en: 'Dormant: no recent activity; try a low-cost reactivation (event invitation, policy update) before investing more.',
    'zh-Hans': '沉睡客户：近期无活动，先尝试低成本唤醒（活动邀请、政策更新），再决定是否投入。',
    zh: '沉睡客戶：近期無活動，先嘗試低成本喚醒（活動邀請、政策更新），再決定是否投入。',
  },
  resolve_then_win_back: {
    en: 'Churn risk: inactive with risk signals (complaints, overdue payments, risk tags); resolve the issue first, then win back.',
    'zh-Hans': '流失风险：不活跃且有风险信号（投诉、逾期付款、风险标签），先解决问题，再挽回。',
    zh: '流失風險：不活躍且有風險信號（投訴、逾期付款、風險標籤），先解決問題，再挽回。',
  },
};

export const suggestionsFor = (segment: string | null, quadrant: string | null) => ({
  segment: segment && segment in SEGMENT_STRATEGY ? STRATEGY_TEXTS[SEGMENT_STRATEGY[segment as RfmSegment]] : null,
  quadrant: quadrant && quadrant in QUADRANT_STRATEGY ? STRATEGY_TEXTS[QUADRANT_STRATEGY[quadrant as Quadrant]] : null,
});
