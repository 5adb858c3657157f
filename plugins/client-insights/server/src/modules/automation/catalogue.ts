import type { AutomationCatalogue } from '../../../../shared/contracts/automation';
import type { EventFilters } from '../../../../shared/contracts/automation-definition';
import { L, verbatim, type LocalisedText as Labels } from '../../../../shared/labels';
import {
  ACTION_TYPES,
  AUTOMATION_EVENTS,
  DELIVERY_CHANNELS,
  TRIGGER_TYPES,
  type ActionType,
  type AutomationEvent,
  type TriggerType,
} from '../../../../shared/enums';
import { FIELDS } from '../rules/catalogue';

/**
 * The event library a trigger picks from, like the rule language's field catalogue: every
 * AUTOMATION_EVENTS entry with its labels in en / zh-Hans / zh and the filters a trigger on it
 * accepts (write-check.ts refuses any other filter for that event).
 */
type Filter = keyof EventFilters;

const INTERACTION_FILTERS: Filter[] = ['channel', 'campaignId'];

const EVENTS: Record<AutomationEvent, { labels: Labels; filters: Filter[] }> = {
  'interaction.email_sent': { labels: L('Email sent', '邮件已发送', '郵件已寄出'), filters: INTERACTION_FILTERS },
  'interaction.email_open': { labels: L('Email opened', '邮件已打开', '郵件已開啟'), filters: INTERACTION_FILTERS },
  'interaction.email_click': { labels: L('Email link clicked', '邮件链接点击', '郵件連結點擊'), filters: INTERACTION_FILTERS },
  'interaction.event_signup': { labels: L('Event sign-up', '活动报名', '活動報名'), filters: INTERACTION_FILTERS },
  'interaction.event_checkin': { labels: L('Event check-in', '活动签到', '活動簽到'), filters: INTERACTION_FILTERS },
  'interaction.meeting_scheduled': { labels: L('Meeting scheduled', '已预约面谈', '已預約面談'), filters: INTERACTION_FILTERS },
  'interaction.meeting_attended': { labels: L('Meeting attended', '已参加面谈', '已參加面談'), filters: INTERACTION_FILTERS },
  'interaction.form_submitted': { labels: L('Form submitted', '表单提交', '表單提交'), filters: INTERACTION_FILTERS },
  'interaction.website_visit': { labels: L('Website visit', '访问官网', '造訪官網'), filters: INTERACTION_FILTERS },
  'interaction.complaint': { labels: L('Complaint', '投诉', '投訴'), filters: INTERACTION_FILTERS },
  'interaction.referral': { labels: L('Referral', '转介绍', '轉介紹'), filters: INTERACTION_FILTERS },
  'interaction.negative_feedback': { labels: L('Negative feedback', '负面反馈', '負面回饋'), filters: INTERACTION_FILTERS },
  'interaction.follow_up': { labels: L('Follow-up', '跟进', '跟進'), filters: INTERACTION_FILTERS },
  'segment.enter': { labels: L('Entered a segment', '进入分群', '進入分群'), filters: ['segmentId'] },
  'segment.exit': { labels: L('Left a segment', '离开分群', '離開分群'), filters: ['segmentId'] },
  'tag.applied': { labels: L('Tag applied', '标签已添加', '標籤已新增'), filters: ['tagId'] },
  'tag.removed': { labels: L('Tag removed', '标签已移除', '標籤已移除'), filters: ['tagId'] },
  'stage.changed': { labels: L('Stage changed', '阶段变更', '階段變更'), filters: ['toStage'] },
  'order.paid': { labels: L('Order paid', '订单已支付', '訂單已付款'), filters: [] },
  'quadrant.changed': { labels: L('Value quadrant changed', '价值象限变化', '價值象限變化'), filters: [] },
};

const TRIGGERS: Record<TriggerType, Labels> = {
  event: L('When an event happens', '发生事件时', '發生事件時'),
  absence: L('When an event is not followed by another', '事件后未发生另一事件', '事件後未發生另一事件'),
  date: L('Days before or after a date', '某日期前后若干天', '某日期前後若干天'),
  inactivity: L('No activity for some days', '若干天无互动', '若干天無互動'),
  schedule: L('On a schedule, for a segment', '按计划对分群执行', '按排程對分群執行'),
  manual: L('Started by hand or through the API', '手动或通过 API 启动', '手動或透過 API 啟動'),
};

const ACTIONS: Record<ActionType, Labels> = {
  email: L('Send an email', '发送邮件', '寄送郵件'),
  sms: L('Send an SMS', '发送短信', '發送簡訊'),
  push: L('Send a push notification', '发送推送', '發送推播'),
  webhook: L('Call a webhook', '调用 Webhook', '呼叫 Webhook'),
  task: L('Create a task', '创建任务', '建立任務'),
  notify: L('Notify admin users', '通知管理员', '通知管理員'),
  tag: L('Add or remove a tag', '添加或移除标签', '新增或移除標籤'),
  stage: L('Change the stage', '变更阶段', '變更階段'),
  segment: L('Add to a static segment', '加入静态分群', '加入靜態分群'),
};

/** Actions that reach outside the system (need approval; webhook: an integrator's endpoint). */
export const EXTERNAL_ACTIONS: readonly ActionType[] = [...DELIVERY_CHANNELS, 'webhook'];

const groupOf = (event: AutomationEvent): AutomationCatalogue['events'][number]['group'] =>
  event.startsWith('interaction.') ? 'interaction' : event === 'quadrant.changed' ? 'value' : (event.split('.')[0] as 'segment' | 'tag' | 'stage' | 'order');

/** An event's labels (the interaction types of absence and inactivity triggers under `interaction.`). */
export const eventLabels = (event: string): Labels =>
  EVENTS[event as AutomationEvent]?.labels ?? EVENTS[`interaction.${event}` as AutomationEvent]?.labels ?? verbatim(event);

/** The rule catalogue's date fields a date trigger reads: the customer's own and the metrics rollup's (one join). */
export const DATE_TRIGGER_FIELDS = FIELDS.filter((f) => f.type === 'datetime' && (f.group === 'customer' || f.group === 'metrics'));

/** The filters a trigger on `event` may use. */
export const filtersOf = (event: AutomationEvent): readonly Filter[] => EVENTS[event].filters;

export const automationCatalogue = (): AutomationCatalogue => ({
  events: AUTOMATION_EVENTS.map((event) => ({ event, group: groupOf(event), labels: EVENTS[event].labels, filters: [...EVENTS[event].filters] })),
  triggers: TRIGGER_TYPES.map((type) => ({ type, labels: TRIGGERS[type] })),
  actions: ACTION_TYPES.map((type) => ({ type, labels: ACTIONS[type], external: EXTERNAL_ACTIONS.includes(type) })),
  dateFields: DATE_TRIGGER_FIELDS.map((f) => ({ path: f.path, labels: f.labels })),
});
