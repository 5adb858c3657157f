import { pluginPath } from '../../pluginId';
import * as React from 'react';
import { Button, Flex, Typography } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { Layouts, Page, useNotification } from '@strapi/strapi/admin';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { errorMessage, useApi, useApiClient } from '../../api/useApi';
import { useSegmentOptions } from '../../api/useCatalogue';
import { emptyGroup, rootFromRule, UnsupportedRule, type Group } from '../../features/rule-builder/model';
import { RuleBuilder, type RuleBuilderChange } from '../../features/rule-builder/RuleBuilder';
import { usePermissions } from '../../hooks/usePermissions';
import { useT } from '../../utils/translate';
import { emptyForm, SaveDialog, type SegmentForm } from './SaveDialog';

type SegmentDetail = SegmentForm & { id: number; rule: unknown; parent: number | null | { id: number } };

const initialFromQuery = (search: string): Group => {
  const raw = new URLSearchParams(search).get('rule');
  if (!raw) return emptyGroup('and');
  try {
    return rootFromRule(JSON.parse(raw));
  } catch {
    return emptyGroup('and');
  }
};

/** The builder page: a new segment (optionally from ?rule=) or an existing one (/builder/:id). */
export const BuilderPage = () => {
  const { id } = useParams();
  const existing = useApi<SegmentDetail>(id ? `/segments/${id}` : null);
  if (id && existing.isLoading) return <Page.Loading />;
  if (id && (existing.error || !existing.data)) return <Page.Error />;
  return <BuilderEditor key={id ?? 'new'} segment={id ? existing.data : undefined} />;
};

const BuilderEditor = ({ segment }: { segment?: SegmentDetail }) => {
  const t = useT();
  const navigate = useNavigate();
  const location = useLocation();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const { can } = usePermissions();
  const segments = useSegmentOptions();
  const [unsupported, setUnsupported] = React.useState<string | null>(null);
  const initial = React.useMemo(() => {
    if (!segment) return initialFromQuery(location.search);
    try {
      return rootFromRule(segment.rule);
    } catch (e) {
      setUnsupported(e instanceof UnsupportedRule ? e.message : String(e));
      return emptyGroup('and');
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const [change, setChange] = React.useState<RuleBuilderChange | null>(null);
  const [dialog, setDialog] = React.useState(false);
  const [saving, setSaving] = React.useState(false);
  const [saveErrors, setSaveErrors] = React.useState<{ path: string; message: string }[]>([]);
  const mayWrite = segment ? can['segments.update'] : can['segments.create'];
  const form = React.useMemo<SegmentForm>(() => {
    if (!segment) return emptyForm();
    const raw = segment.parent as unknown;
    const parent = raw && typeof raw === 'object' ? (raw as { id: number }).id : (raw as number | null);
    return { ...emptyForm(), ...segment, description: segment.description ?? '', parent: parent ?? null };
  }, [segment]);

  const save = async (values: SegmentForm) => {
    if (!change) return;
    setSaving(true);
    setSaveErrors([]);
    const body: Record<string, unknown> = {
      name: values.name.trim(),
      description: values.description || null,
      type: values.type,
      rule: change.rule,
      status: values.status,
      priority: values.priority,
      parent: values.parent,
      schedule: values.schedule,
      visibility: values.visibility,
      ...(values.schedule ? { timezone: values.timezone } : {}),
    };
    if (!segment && values.key) body.key = values.key;
    try {
      const res = segment ? await api.put<any>(`/segments/${segment.id}`, body) : await api.post<any>('/segments', body);
      if (res.status && res.status >= 400) {
        const errs = res.data?.errors ?? [{ path: '', message: res.data?.error?.message ?? `HTTP ${res.status}` }];
        // Rule errors point into the rule: prefix them so the dialog shows them as general errors.
        setSaveErrors(errs);
        return;
      }
      const saved = res.data?.data ?? res.data;
      toggleNotification({ type: 'success', message: t('save.done', { name: values.name }) });
      setDialog(false);
      navigate(pluginPath(`segments/${saved?.id ?? segment?.id}`));
    } catch (e) {
      setSaveErrors([{ path: '', message: errorMessage(e) }]);
    } finally {
      setSaving(false);
    }
  };

  const valid = change?.complete && change.preview.status === 'ok';
  return (
    <Page.Main>
      <Page.Title>{t('nav.builder')}</Page.Title>
      <Layouts.Header
        title={segment ? t('builder.titleEdit', { name: segment.name }) : t('builder.titleNew')}
        subtitle={t('builder.subtitle')}
        primaryAction={
          mayWrite ? (
            <Button startIcon={<Check />} onClick={() => setDialog(true)} disabled={!valid} data-testid="ci-save">
              {t('action.save')}
            </Button>
          ) : undefined
        }
      />
      <Layouts.Content>
        {unsupported && (
          <Flex paddingBottom={4}>
            <Typography textColor="danger600" role="alert">
              {t('json.unsupported', { reason: unsupported })}
            </Typography>
          </Flex>
        )}
        <RuleBuilder initial={initial} onChange={setChange} segmentId={segment?.id} />
        {mayWrite && (
          <SaveDialog
            open={dialog}
            onClose={() => setDialog(false)}
            initial={form}
            segments={(segments.data ?? []).filter((s) => s.id !== segment?.id)}
            isNew={!segment}
            errors={saveErrors}
            saving={saving}
            onSave={save}
          />
        )}
      </Layouts.Content>
    </Page.Main>
  );
};
