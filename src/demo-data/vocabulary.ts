/** Words for realistic demo data: a study-abroad consultancy with Chinese-speaking clients. */
export const SURNAMES = [
  ['王', 'wang'], ['李', 'li'], ['张', 'zhang'], ['刘', 'liu'], ['陈', 'chen'], ['杨', 'yang'], ['黄', 'huang'], ['赵', 'zhao'],
  ['吴', 'wu'], ['周', 'zhou'], ['徐', 'xu'], ['孙', 'sun'], ['马', 'ma'], ['朱', 'zhu'], ['胡', 'hu'], ['郭', 'guo'],
  ['何', 'he'], ['林', 'lin'], ['罗', 'luo'], ['高', 'gao'], ['梁', 'liang'], ['郑', 'zheng'], ['谢', 'xie'], ['宋', 'song'],
] as const;

export const GIVEN_NAMES = [
  ['伟', 'wei'], ['芳', 'fang'], ['娜', 'na'], ['敏', 'min'], ['静', 'jing'], ['丽', 'li'], ['强', 'qiang'], ['磊', 'lei'],
  ['洋', 'yang'], ['艳', 'yan'], ['勇', 'yong'], ['军', 'jun'], ['杰', 'jie'], ['娟', 'juan'], ['涛', 'tao'], ['明', 'ming'],
  ['超', 'chao'], ['秀英', 'xiuying'], ['佳怡', 'jiayi'], ['子涵', 'zihan'], ['欣怡', 'xinyi'], ['梓萱', 'zixuan'],
  ['浩然', 'haoran'], ['宇轩', 'yuxuan'], ['思远', 'siyuan'], ['雨桐', 'yutong'], ['一诺', 'yinuo'], ['俊杰', 'junjie'],
] as const;

/** Region → relative weight and the client language mix there. */
export const REGIONS: Record<string, { weight: number; traditional: number }> = {
  北京: { weight: 14, traditional: 0 }, 上海: { weight: 14, traditional: 0 }, 广州: { weight: 9, traditional: 0.02 },
  深圳: { weight: 10, traditional: 0.03 }, 杭州: { weight: 7, traditional: 0 }, 成都: { weight: 6, traditional: 0 },
  南京: { weight: 5, traditional: 0 }, 武汉: { weight: 5, traditional: 0 }, 西安: { weight: 4, traditional: 0 },
  重庆: { weight: 4, traditional: 0 }, 苏州: { weight: 4, traditional: 0 }, 天津: { weight: 3, traditional: 0 },
  香港: { weight: 5, traditional: 0.8 }, 台北: { weight: 4, traditional: 0.95 }, 澳门: { weight: 1, traditional: 0.8 },
};

export const MAJORS = [
  'Computer Science', 'Data Science', 'Business Analytics', 'Finance', 'Accounting', 'Economics', 'Electrical Engineering',
  'Mechanical Engineering', 'Architecture', 'Law', 'Education', 'Psychology', 'Media and Communication', 'Public Health',
  'Marketing', 'Art and Design',
] as const;

export const DESTINATIONS = [
  ['UK', 30], ['US', 25], ['Australia', 14], ['Canada', 10], ['Hong Kong', 9], ['Singapore', 7], ['Japan', 3], ['Germany', 2],
] as const;

export const DEGREE_BY_EDUCATION: Record<string, string> = {
  high_school: 'Undergraduate',
  bachelor: 'Master',
  master: 'PhD',
  doctorate: 'Postdoc placement',
  other: 'Foundation',
};

export const EMAIL_DOMAINS = ['example.com', 'example.cn', 'example.org', 'example.net'] as const;

export const CAMPAIGNS = [
  { name: '秋季留学展 Autumn Study Fair', channel: 'event', month: 9, budget: 180000 },
  { name: '英国硕士申请季 UK Master Season', channel: 'email', month: 10, budget: 60000 },
  { name: '美国本科早申 US Early Decision', channel: 'email', month: 8, budget: 45000 },
  { name: '微信公开课 WeChat Open Class', channel: 'wechat', month: 3, budget: 30000 },
  { name: '春季续约关怀 Spring Renewal Care', channel: 'sms', month: 4, budget: 20000 },
  { name: '澳洲名校说明会 Australia Info Night', channel: 'event', month: 5, budget: 80000 },
  { name: '老客户推荐计划 Referral Programme', channel: 'wechat', month: 6, budget: 50000 },
  { name: '港新研究生讲座 HK & SG Postgraduate Talk', channel: 'event', month: 11, budget: 70000 },
] as const;

/** Tags in the four categories; `assign` is evaluated on the generated facts of each customer. */
export const TAGS = [
  { slug: 'undergraduate-applicant', name: '本科申请', category: 'basic', color: '#4C6EF5', description: 'Applying for an undergraduate degree' },
  { slug: 'postgraduate-applicant', name: '研究生申请', category: 'basic', color: '#3B5BDB', description: 'Applying for a postgraduate degree' },
  { slug: 'uk-bound', name: '英国方向', category: 'basic', color: '#1971C2', description: 'Targets the UK' },
  { slug: 'us-bound', name: '美国方向', category: 'basic', color: '#1864AB', description: 'Targets the US' },
  { slug: 'active-engager', name: '活跃互动', category: 'behavior', color: '#2F9E44', description: 'Many interactions in the last 90 days' },
  { slug: 'event-attendee', name: '活动参与者', category: 'behavior', color: '#37B24D', description: 'Checked in at an event' },
  { slug: 'email-unresponsive', name: '邮件无响应', category: 'behavior', color: '#868E96', description: 'Receives emails, never opens' },
  { slug: 'vip', name: '高价值客户', category: 'value', color: '#F08C00', description: 'Paid more than 100,000 CNY' },
  { slug: 'repeat-buyer', name: '复购客户', category: 'value', color: '#E67700', description: 'Renewed or bought an upsell' },
  { slug: 'high-potential', name: '高潜力', category: 'value', color: '#FAB005', description: 'Engaged, not yet signed' },
  { slug: 'payment-overdue', name: '逾期付款', category: 'risk', color: '#E03131', description: 'Has an overdue payment' },
  { slug: 'complaint-risk', name: '投诉风险', category: 'risk', color: '#C92A2A', description: 'Filed a complaint' },
  { slug: 'churn-warning', name: '流失预警', category: 'risk', color: '#A61E4D', description: 'Long silence after service' },
] as const;
