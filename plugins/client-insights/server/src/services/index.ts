import metrics from './metrics';
import overview from './overview';
import preview from './preview';
import overviewKpis from '../overview/service';
import tags from '../tags/service';
import customers from '../customers/service';
import scheduler from './scheduler';
import segments from './segments';
import values from './values';

export default { metrics, overview, preview, scheduler, segments, overviewKpis, tags, customers, values };
