import { useApi } from './useApi';
import type { Catalogue, SegmentSummary, TagSummary } from './types';

export const useCatalogue = () => useApi<Catalogue>('/catalogue');

/** Tags and segments for the value pickers of has_tag / in_segment. */
export const useTagOptions = () => useApi<TagSummary[]>('/tags', { pageSize: 500 });
export const useSegmentOptions = () => useApi<SegmentSummary[]>('/segments', { pageSize: 500 });
