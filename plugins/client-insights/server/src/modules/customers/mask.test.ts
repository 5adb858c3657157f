import { maskContact, maskEmail, maskName, maskPhone } from './mask';

describe('contact masking', () => {
  it('keeps a hint and hides the rest', () => {
    expect(maskName('王小明')).toBe('王**');
    expect(maskEmail('li.wei@example.com')).toBe('l***@example.com');
    expect(maskPhone('13812345678')).toBe('*******5678');
    expect(maskName(null)).toBeNull();
  });
  it('leaves rows alone for users with the permission', () => {
    const row = { id: 1, name: 'Li Wei', email: 'a@b.c', phone: '123456' };
    expect(maskContact(row, true)).toBe(row);
    expect(maskContact(row, false)).toEqual({ id: 1, name: 'L*****', email: 'a***@b.c', phone: '**3456' });
  });
});
