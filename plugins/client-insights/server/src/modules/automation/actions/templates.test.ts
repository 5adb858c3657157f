import { customerOfMessageId, messageIdFor, signToken, verifyToken } from './email-signing';
import { escapeHtml, fill, inLocale, validateTemplates } from './templates';

describe('email templates', () => {
  it('refuses unknown variables with a JSON pointer to the localised text, accepts the known ones', () => {
    const errors = validateTemplates({
      type: 'email',
      subject: { en: 'Hi {{name}} from {{owner.name}}', zh: '{{ nmae }}' },
      body: { en: '{{metrics.total_spent}} {{score.quadrant}} {{trigger.event_name}} {{unsubscribe_url}}', 'zh-Hans': '{{metrics.password}} {{}}' },
    });
    expect(errors.map((e) => e.path)).toEqual(['/subject/zh', '/body/zh-Hans', '/body/zh-Hans']);
    expect(errors[0].message).toContain('{{nmae}}');
    expect(validateTemplates({ type: 'sms', text: { en: 'Hi {{name}}, {{trigger.x.y}}' } }).map((e) => e.path)).toEqual(['/text/en']);
    expect(validateTemplates({ type: 'tag', op: 'add', tagId: 1 })).toEqual([]);
  });

  it('fills values escaped for HTML only, an unknown or missing value empty, and falls back to en', () => {
    const values = { name: 'A & <B>' };
    expect(fill('Hi {{ name }}{{stage}}!', values)).toBe('Hi A & <B>!');
    expect(fill('Hi {{name}}', values, escapeHtml)).toBe('Hi A &amp; &lt;B&gt;');
    expect(inLocale({ en: 'x', 'zh-Hans': 'y' }, 'zh')).toBe('x');
    expect(inLocale({ en: 'x', 'zh-Hans': 'y' }, 'zh-Hans')).toBe('y');
  });
});

describe('email signing', () => {
  it('verifies its own tokens, refuses a changed payload, signature or kind', () => {
    const token = signToken({ k: 'click', c: 7, m: '<m@x>', u: 'https://example.com/a' });
    expect(verifyToken(token, 'click')).toEqual({ k: 'click', c: 7, m: '<m@x>', u: 'https://example.com/a' });
    expect(verifyToken(token, 'open')).toBeNull();
    const [payload, signature] = token.split('.');
    const other = Buffer.from(JSON.stringify({ k: 'click', c: 7, m: '<m@x>', u: 'https://evil.example' })).toString('base64url');
    expect(verifyToken(`${other}.${signature}`, 'click')).toBeNull();
    expect(verifyToken(`${payload}.${signature.slice(1)}`, 'click')).toBeNull();
    expect(verifyToken(`${payload}.${signature}.x`, 'click')).toBeNull();
  });

  it('derives one Message-ID per idempotency key that names its customer and cannot be altered', () => {
    const id = messageIdFor('3:12:99:0', 12, 'example.com');
    expect(messageIdFor('3:12:99:0', 12, 'example.com')).toBe(id);
    expect(messageIdFor('3:12:99:1', 12, 'example.com')).not.toBe(id);
    expect(customerOfMessageId(id)).toBe(12);
    expect(customerOfMessageId(id.slice(1, -1))).toBe(12);
    expect(customerOfMessageId(id.replace('<ci.12.', '<ci.13.'))).toBeNull();
    expect(customerOfMessageId('<random@example.com>')).toBeNull();
  });
});
