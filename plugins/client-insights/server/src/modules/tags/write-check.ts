import type { WriteCheck } from '../../core/security/validation';
import { storedRuleProblems } from '../rules/validate';

/** What every write of a tag must satisfy, whichever path it takes: a valid auto rule, or none. */
export const tagWriteCheck: WriteCheck = (data) => ('rule' in data ? storedRuleProblems(data.rule) : []);
