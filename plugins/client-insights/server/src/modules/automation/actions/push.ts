import { gatewayConfig, sendThroughGateway } from './gateway';
import { renderFor } from './local-text';
import type { ActionHandler } from './types';
import { L } from '../../../../../shared/labels';

/**
 * A mini-program / app push in the customer's language through the configured push gateway. The
 * recipient is the customer's documentId: the push gateway maps it to the customer's devices
 * (the CRM keeps no device tokens).
 */
export const pushAction: ActionHandler<'push'> = {
  type: 'push',
  channel: 'push',
  external: true,
  async render(ctx) {
    const title = renderFor(ctx, ctx.action.title);
    const text = renderFor(ctx, ctx.action.body);
    const config = gatewayConfig(ctx.strapi, 'push');
    const summary = L(
      `Push to ${ctx.customer.name}: ${title}${config ? '' : ' (no gateway configured)'}`,
      `推送给 ${ctx.customer.name}：${title}${config ? '' : '（未配置网关）'}`,
      `推播給 ${ctx.customer.name}：${title}${config ? '' : '（未設定閘道）'}`
    );
    return { summary, to: ctx.customer.documentId, subject: title, text };
  },
  async perform(ctx) {
    const title = renderFor(ctx, ctx.action.title);
    const text = renderFor(ctx, ctx.action.body);
    if (ctx.test) return { status: 'done', detail: 'test: rendered, not delivered' };
    return sendThroughGateway(ctx, 'push', { to: ctx.customer.documentId, text, title });
  },
};
