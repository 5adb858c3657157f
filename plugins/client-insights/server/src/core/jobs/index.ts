import service from './service';

/** The process's scheduler, as a service other modules register cron jobs with. */
export default { routes: {}, controllers: {}, services: { scheduler: service } };
