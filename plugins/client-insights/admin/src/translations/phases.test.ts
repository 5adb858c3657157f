import { TRACKER_PHASES } from '../../../server/src/core/jobs/status';
import { PHASES as SEGMENT_RUN_PHASES } from '../../../server/src/modules/segments/materialise';
import { REFRESH_PHASES } from '../../../server/src/modules/values/refresh';
import en from './en.json';

/** Every phase a job can report has words in the admin (JobProgress never shows a raw word such as "queued"). */
describe('job phase translations', () => {
  it.each([
    ['tracked jobs', TRACKER_PHASES],
    ['segment runs', SEGMENT_RUN_PHASES],
    ['value refreshes', REFRESH_PHASES],
  ])('%s', (_kind, phases: readonly string[]) => {
    for (const phase of phases) expect([phase, `job.phase.${phase}` in en]).toEqual([phase, true]);
  });
});
