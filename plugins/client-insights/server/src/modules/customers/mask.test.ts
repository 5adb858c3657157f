import { maskContact, maskEmail, maskPhone, SEARCHABLE_COLUMNS } from './mask';

describe('contact masking', () => {
  it('keeps a hint and hides the rest', () => {
    expect(maskEmail('li.wei@example.com')).toBe('l***@example.com');
    expect(maskPhone('13812345678')).toBe('*******5678');
    expect(maskEmail(null)).toBeNull();
  });
  it('masks email and phone and drops notes without the permission, never the name', () => {
    const row = { id: 1, name: '王小明', email: 'a@b.c', phone: '123456', notes: 'vip' };
    expect(maskContact(row, true)).toBe(row);
    expect(maskContact(row, false)).toEqual({ id: 1, name: '王小明', email: 'a***@b.c', phone: '**3456', notes: null });
    expect(maskContact({ id: 2, name: 'Li' }, false)).toEqual({ id: 2, name: 'Li' });
  });
  it('searches names by substring, never the encrypted contact columns (matched whole by hash, with the permission)', () => {
    expect(SEARCHABLE_COLUMNS).toContain('name');
    expect(SEARCHABLE_COLUMNS).not.toEqual(expect.arrayContaining(['email']));
    expect(SEARCHABLE_COLUMNS).not.toEqual(expect.arrayContaining(['phone']));
  });
});
