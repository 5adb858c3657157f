import { maskContact, maskEmail, maskPhone, searchableColumns } from './mask';

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
  it('searches names always, contact data only with the permission', () => {
    expect(searchableColumns(false)).toContain('name');
    expect(searchableColumns(false)).not.toContain('email');
    expect(searchableColumns(true)).toEqual(expect.arrayContaining(['name', 'email', 'phone']));
  });
});
