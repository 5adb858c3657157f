import { PLUGIN_ID } from '../../../shared/permissions';

/** Absolute in-admin path of a plugin page (the router's basename, e.g. /admin, is added by it). */
export const pluginPath = (sub = '') => `/plugins/${PLUGIN_ID}${sub ? `/${sub}` : ''}`;
