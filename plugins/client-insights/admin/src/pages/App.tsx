import { Layouts, Page } from '@strapi/strapi/admin';
import { SubNav } from '@strapi/strapi/admin';
import { Route, Routes } from 'react-router-dom';
import { useT, type MessageKey } from '../utils/translate';
import { usePermissions } from '../hooks/usePermissions';
import { OverviewPage } from './Overview/OverviewPage';
import { BuilderPage } from './Builder/BuilderPage';
import { ValuesPage } from './Values/ValuesPage';
import { CustomersPage } from './Customers/CustomersPage';
import { TagsPage } from './Tags/TagsPage';
import { SegmentsPage } from './Segments/SegmentsPage';
import { SegmentDetailPage } from './Segments/SegmentDetailPage';
import { ApprovalsPage } from './Approvals/ApprovalsPage';
import { AuditPage } from './Audit/AuditPage';
import { AutomationPage } from './Automation/AutomationPage';
import { ReportsPage } from './Reports/ReportsPage';
import { FlowPage } from './Reports/FlowPage';
import { MonitoringPage } from './Monitoring/MonitoringPage';
import { SyncPage } from './Sync/SyncPage';

type Can = ReturnType<typeof usePermissions>['can'];
/** Approvals: for approvers, and for whoever may ask for work that needs approval (exports, high-risk automation: their own requests). */
const seesApprovals = (can: Can) => can['export.approve'] || can['automation.approve'] || can.export || can['automation.manage'];

const LINKS: { to: string; label: MessageKey; shown?: (can: Can) => boolean }[] = [
  { to: '', label: 'nav.overview' },
  { to: 'segments', label: 'nav.segments' },
  { to: 'builder', label: 'nav.builder' },
  { to: 'customers', label: 'nav.customers' },
  { to: 'tags', label: 'nav.tags' },
  { to: 'values', label: 'nav.values' },
  { to: 'automation', label: 'nav.automation', shown: (can) => can['automation.manage'] },
  { to: 'reports', label: 'nav.reports', shown: (can) => can['reports.read'] },
  { to: 'reports/flow', label: 'nav.flow', shown: (can) => can['reports.read'] },
  { to: 'monitoring', label: 'nav.monitoring', shown: (can) => can['reports.read'] },
  { to: 'sync', label: 'nav.sync', shown: (can) => can['sync.manage'] },
  { to: 'approvals', label: 'nav.approvals', shown: seesApprovals },
  { to: 'audit', label: 'nav.audit', shown: (can) => can['audit.read'] },
];

const Nav = () => {
  const t = useT();
  const { can } = usePermissions();
  return (
    <SubNav.Main>
      <SubNav.Header label={t('plugin.name')} />
      <SubNav.Content>
        {LINKS.filter((link) => !link.shown || link.shown(can)).map((link) => (
          <SubNav.Link key={link.to} to={link.to} end label={t(link.label)} />
        ))}
      </SubNav.Content>
    </SubNav.Main>
  );
};

const App = () => {
  const { can, isLoading } = usePermissions();
  if (isLoading) return <Page.Loading />;
  if (!can['segments.read']) return <Page.NoPermissions />;
  return (
    <Layouts.Root sideNav={<Nav />}>
      <Routes>
        <Route index element={<OverviewPage />} />
        <Route path="segments" element={<SegmentsPage />} />
        <Route path="segments/:id" element={<SegmentDetailPage />} />
        <Route path="builder" element={<BuilderPage />} />
        <Route path="builder/:id" element={<BuilderPage />} />
        <Route path="values" element={<ValuesPage />} />
        <Route path="customers" element={<CustomersPage />} />
        <Route path="customers/:id" element={<CustomersPage />} />
        <Route path="tags" element={<TagsPage />} />
        <Route path="automation" element={can['automation.manage'] ? <AutomationPage /> : <Page.NoPermissions />} />
        <Route path="approvals" element={seesApprovals(can) ? <ApprovalsPage /> : <Page.NoPermissions />} />
        <Route path="reports" element={can['reports.read'] ? <ReportsPage /> : <Page.NoPermissions />} />
        <Route path="reports/flow" element={can['reports.read'] ? <FlowPage /> : <Page.NoPermissions />} />
        <Route path="monitoring" element={can['reports.read'] ? <MonitoringPage /> : <Page.NoPermissions />} />
        <Route path="sync" element={can['sync.manage'] ? <SyncPage /> : <Page.NoPermissions />} />
        <Route path="audit" element={can['audit.read'] ? <AuditPage /> : <Page.NoPermissions />} />
        <Route path="*" element={<Page.Error />} />
      </Routes>
    </Layouts.Root>
  );
};

export default App;
