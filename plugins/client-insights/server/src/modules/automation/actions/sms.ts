import { gatewayConfig, sendThroughGateway } from './gateway';
import { renderFor } from './local-text';
import type { ActionHandler } from './types';
import { L } from '../../../../../shared/labels';

/** Masks a phone number for summaries and logs: the last four digits only. */
const maskPhone = (phone: string) => `***${phone.replace(/\D/g, '').slice(-4)}`;

/** An SMS in the customer's language through the configured SMS gateway (gateway.ts), to the customer's phone. */
export const smsAction: ActionHandler<'sms'> = {
  type: 'sms',
  channel: 'sms',
  external: true,
  async render(ctx) {
    const text = renderFor(ctx, ctx.action.text);
    const config = gatewayConfig(ctx.strapi, 'sms');
    return {
      summary: L(
        `SMS to ${ctx.customer.phone ? maskPhone(ctx.customer.phone) : '(no phone)'}${config ? '' : ' (no gateway configured)'}`,
        `短信发送至 ${ctx.customer.phone ? maskPhone(ctx.customer.phone) : '（无手机号）'}${config ? '' : '（未配置网关）'}`,
        `簡訊傳送至 ${ctx.customer.phone ? maskPhone(ctx.customer.phone) : '（無手機號碼）'}${config ? '' : '（未設定閘道）'}`
      ),
      to: ctx.customer.phone,
      text,
    };
  },
  async perform(ctx) {
    if (!ctx.customer.phone) return { status: 'skipped', reason: 'no_address', detail: 'the customer has no phone number' };
    const text = renderFor(ctx, ctx.action.text);
    if (ctx.test) return { status: 'done', detail: 'test: rendered, not delivered' };
    return sendThroughGateway(ctx, 'sms', { to: ctx.customer.phone, text, title: '' });
  },
};
