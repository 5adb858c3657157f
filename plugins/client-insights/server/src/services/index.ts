import overview from './overview';
import scheduler from './scheduler';

export default { overview, scheduler };
