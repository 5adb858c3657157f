import service from './service';

/** The events seam (in-transaction hooks and after-commit events), as a service every module reaches. */
export default { routes: {}, controllers: {}, services: { events: service } };
