import { hasMetricsToken } from './token';

describe('the metrics token', () => {
  it('accepts exactly "Bearer <token>"', () => {
    expect(hasMetricsToken('Bearer s3cret', 's3cret')).toBe(true);
    for (const header of [undefined, '', 's3cret', 'Bearer ', 'Bearer s3cret ', 'bearer s3cret', 'Basic s3cret', 'Bearer s3cre']) {
      expect(hasMetricsToken(header, 's3cret')).toBe(false);
    }
  });

  it('refuses everyone when no token is configured', () => {
    expect(hasMetricsToken('Bearer ', '')).toBe(false);
    expect(hasMetricsToken('Bearer undefined', undefined)).toBe(false);
  });
});
