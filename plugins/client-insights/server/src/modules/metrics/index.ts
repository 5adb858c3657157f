import service from './service';

/** The per-customer metrics rollup and activity copies; no routes of its own. */
export default { routes: {}, controllers: {}, services: { metrics: service } };
