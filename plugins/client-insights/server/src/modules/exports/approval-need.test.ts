import { Readable } from 'stream';
import { exportApprovalNeed, refuseUnapproved, whyApproval } from './approval-need';

const csv = (total: number, sensitive: string[] = []) => ({ total, columns: ['id', 'name', 'email', 'phone'], sensitive, stream: Readable.from(['x']) });

describe('which exports need approval', () => {
  it('needs none for a masked file within the row limit (the limit itself included)', () => {
    expect(exportApprovalNeed(csv(10), 10)).toBeNull();
    expect(exportApprovalNeed(csv(0), 0)).toBeNull();
  });

  it('needs it for contact data unmasked, for more rows than the limit, or both, and says why', () => {
    const sensitive = exportApprovalNeed(csv(3, ['email', 'phone']), 10)!;
    expect(sensitive).toEqual({ rows: 3, fields: ['id', 'name', 'email', 'phone'], sensitiveFields: ['email', 'phone'], recipients: null, rowLimit: null });
    expect(whyApproval(sensitive)).toBe('it carries email, phone unmasked');
    const many = exportApprovalNeed(csv(11), 10)!;
    expect(many.rowLimit).toBe(10);
    expect(whyApproval(many)).toBe('it has 11 rows (more than 10)');
    expect(whyApproval(exportApprovalNeed(csv(11, ['email']), 10)!)).toBe('it carries email unmasked and it has 11 rows (more than 10)');
  });

  it('refuses the direct route with a 403 that names POST /exports, and closes the stream', () => {
    const file = csv(11);
    expect(() => refuseUnapproved(file, 10)).toThrow(/needs approval: it has 11 rows.*POST \/client-insights\/exports/);
    expect(file.stream.destroyed).toBe(true);
    expect(() => refuseUnapproved(csv(5), 10)).not.toThrow();
  });
});
