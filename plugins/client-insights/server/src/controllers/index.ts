import overview from './overview';
import rules from './rules';
import segments from './segments';
import values from './values';
import overviewKpis from '../overview/controller';
import tags from '../tags/controller';
import customers from '../customers/controller';

export default { overview, rules, segments, overviewKpis, tags, customers, values };
