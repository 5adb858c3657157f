import { gatewayBody, type GatewayConfig } from './gateway';
import { fillVariables } from './local-text';

const config = (over: Partial<GatewayConfig>): GatewayConfig => ({
  url: 'http://gw',
  method: 'POST',
  authorization: null,
  headers: {},
  bodyTemplate: '{"to":"{{to}}","text":"{{text}}"}',
  contentType: 'application/json',
  ...over,
});

describe('gateway body templates', () => {
  it('escapes values inside JSON strings, so quotes and newlines cannot break the body', () => {
    const body = gatewayBody(config({}), { to: '138', text: 'say "hi"\nnow \\ 你好', title: '' }, 'k1');
    expect(JSON.parse(body)).toEqual({ to: '138', text: 'say "hi"\nnow \\ 你好' });
  });
  it('form-encodes values for form bodies and fills the idempotency key', () => {
    const body = gatewayBody(
      config({ bodyTemplate: 'm={{to}}&c={{ text }}&k={{idempotency_key}}', contentType: 'application/x-www-form-urlencoded' }),
      { to: '+86 138', text: 'a&b=c', title: '' },
      'r:1'
    );
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({ m: '+86 138', c: 'a&b=c', k: 'r:1' });
  });
});

describe('variables in texts', () => {
  it('fills known variables and leaves unknown ones as written', () => {
    expect(fillVariables('Hi {{name}}, {{ amount }} {{missing}}', { name: 'Li', amount: '5' })).toBe('Hi Li, 5 {{missing}}');
    expect(fillVariables('{{constructor}}', {})).toBe('{{constructor}}');
  });
});
