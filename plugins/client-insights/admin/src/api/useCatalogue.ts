import { rulesApi } from '../../../shared/contracts/rules';
import { segmentsApi } from '../../../shared/contracts/segments';
import { tagsApi } from '../../../shared/contracts/tags';
import { useApi } from './useApi';

export const useCatalogue = () => useApi(rulesApi.catalogue, {});

/** Tags and segments for the value pickers of has_tag / in_segment. */
export const useTagOptions = () => useApi(tagsApi.list, {});
export const useSegmentOptions = () => useApi(segmentsApi.list, { query: { pageSize: 500 } });
