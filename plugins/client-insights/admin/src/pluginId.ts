/** Same id as the server's constants.PLUGIN_ID; prefixes routes, translations and permissions. */
export const PLUGIN_ID = 'client-insights';

/** Absolute in-admin path of a plugin page (the router's basename, e.g. /admin, is added by it). */
export const pluginPath = (sub = '') => `/plugins/${PLUGIN_ID}${sub ? `/${sub}` : ''}`;
