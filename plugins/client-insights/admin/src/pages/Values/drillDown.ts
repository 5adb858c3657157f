import { pluginPath } from '../../utils/paths';

/** The customer list of one chart cell or point (CustomerList reads these filters from the URL). */
export const customersOf = (filter: Record<string, string | number | boolean>) =>
  pluginPath(`customers?${new URLSearchParams(Object.entries(filter).map(([k, v]) => [k, String(v)]))}`);
