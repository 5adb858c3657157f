import { valueConfigSchemaWith, type ValueConfig } from '../../../../shared/contracts/values';
import { zodErrors } from '../../core/http/errors';
import { validateCron } from '../../core/jobs/scheduler';

export { QUADRANTS, type Quadrant, type RfmSegment } from '../../../../shared/enums';

/**
 * The value-model configuration (shared/contracts/values.ts, where every field and default is
 * documented), with cron expressions checked by the scheduler. The settings endpoint validates a
 * partial update against it and stores the merged result.
 */
export const valueConfigSchema = valueConfigSchemaWith(validateCron);

export type { ValueConfig };
export const defaultValueConfig = (): ValueConfig => valueConfigSchema.parse({});

/** Merges a partial update (one level deep per section) over the current configuration, then validates the result. */
export const mergeValueConfig = (current: ValueConfig, update: unknown) => {
  if (typeof update !== 'object' || update === null || Array.isArray(update)) {
    return { success: false as const, errors: [{ path: '', message: 'settings must be a JSON object' }] };
  }
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(update)) {
    const base = (current as Record<string, unknown>)[key];
    merged[key] = value && typeof value === 'object' && !Array.isArray(value) && base && typeof base === 'object' ? { ...base, ...value } : value;
  }
  const parsed = valueConfigSchema.safeParse(merged);
  if (parsed.success) return { success: true as const, config: parsed.data };
  return { success: false as const, errors: zodErrors(parsed.error) };
};
