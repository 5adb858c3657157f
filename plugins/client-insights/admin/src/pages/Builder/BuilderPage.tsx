import { pluginPath } from '../../utils/paths';
import * as React from 'react';
import { Button, Flex, Typography } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { Layouts, Page, useNotification } from '@strapi/strapi/admin';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { segmentsApi, type SegmentDetail } from '../../../../shared/contracts/segments';
import { toApiError, type ApiError } from '../../api/client';
import { useApi, useApiClient } from '../../api/useApi';
import { useSegmentOptions } from '../../api/useCatalogue';
import { emptyGroup, rootFromRule, UnsupportedRule, type Group } from '../../features/rule-builder/model';
import { RuleBuilder, type RuleBuilderChange } from '../../features/rule-builder/RuleBuilder';
import { usePermissions } from '../../hooks/usePermissions';
import { useT } from '../../utils/translate';
import { emptyForm, SaveDialog, type SegmentForm } from './SaveDialog';

/** `?parent=<segment id>`: a new child segment, previewed within that parent. */
const parentFromQuery = (search: string) => {
  const raw = new URLSearchParams(search).get('parent');
  return raw && /^\d+$/.test(raw) ? Number(raw) : undefined;
};

const initialFromQuery = (search: string): Group => {
  const raw = new URLSearchParams(search).get('rule');
  if (!raw) return emptyGroup('and');
  try {
    return rootFromRule(JSON.parse(raw));
  } catch {
    return emptyGroup('and');
  }
};

/** The page header; memoised, as the builder reports every keystroke to this page. */
const BuilderHeader = React.memo(function BuilderHeader({
  title,
  subtitle,
  mayWrite,
  valid,
  onSave,
}: {
  title: string;
  subtitle: string;
  mayWrite: boolean;
  valid: boolean;
  onSave: () => void;
}) {
  const t = useT();
  return (
    <Layouts.Header
      title={title}
      subtitle={subtitle}
      primaryAction={
        mayWrite ? (
          <Button startIcon={<Check />} onClick={onSave} disabled={!valid} data-testid="ci-save">
            {t('action.save')}
          </Button>
        ) : undefined
      }
    />
  );
});

/** The builder page: a new segment (optionally from ?rule=) or an existing one (/builder/:id). */
export const BuilderPage = () => {
  const { id } = useParams();
  const existing = useApi(segmentsApi.get, id ? { params: { id } } : null);
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
  /** The server's refusal of the last save, and the rule it refused (its errors show at the conditions while it is unchanged). */
  const [refusal, setRefusal] = React.useState<{ error: ApiError; ruleKey: string } | null>(null);
  const mayWrite = segment ? can['segments.update'] : can['segments.create'];
  const form = React.useMemo<SegmentForm>(() => {
    if (!segment) return emptyForm();
    const empty = emptyForm();
    return {
      name: segment.name,
      key: segment.key,
      description: segment.description ?? '',
      type: segment.type,
      priority: segment.priority,
      parent: segment.parentId,
      schedule: segment.schedule?.cron ?? null,
      timezone: segment.schedule?.timezone ?? empty.timezone,
      visibility: segment.visibility,
      status: segment.status,
    };
  }, [segment]);

  const save = async (values: SegmentForm) => {
    if (!change) return;
    setSaving(true);
    setRefusal(null);
    const body = {
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
    try {
      const { data: saved } = segment
        ? await api.request(segmentsApi.update, { params: { id: segment.id }, body })
        : await api.request(segmentsApi.create, { body: { ...body, ...(values.key ? { key: values.key } : {}) } });
      toggleNotification({ type: 'success', message: t('save.done', { name: values.name }) });
      setDialog(false);
      navigate(pluginPath(`segments/${saved.id}`));
    } catch (e) {
      // The dialog stays open with what the user typed; the server's message shows where it points.
      setRefusal({ error: toApiError(e), ruleKey: JSON.stringify(change.rule) });
    } finally {
      setSaving(false);
    }
  };

  // An existing child is previewed within its stored parent, as its runs materialise it.
  const previewScope = React.useMemo(() => (segment ? { segmentId: segment.id } : { parent: parentFromQuery(location.search) }), [segment, location.search]);
  const valid = change?.complete && change.preview.status === 'ok';
  const openDialog = React.useCallback(() => setDialog(true), []);
  return (
    <Page.Main>
      <Page.Title>{t('nav.builder')}</Page.Title>
      <BuilderHeader
        title={segment ? t('builder.titleEdit', { name: segment.name }) : t('builder.titleNew')}
        subtitle={t('builder.subtitle')}
        mayWrite={mayWrite}
        valid={Boolean(valid)}
        onSave={openDialog}
      />
      <Layouts.Content>
        {unsupported && (
          <Flex paddingBottom={4}>
            <Typography textColor="danger600" role="alert">
              {t('json.unsupported', { reason: unsupported })}
            </Typography>
          </Flex>
        )}
        <RuleBuilder
          initial={initial}
          onChange={setChange}
          previewScope={previewScope}
          refused={refusal && change && JSON.stringify(change.rule) === refusal.ruleKey ? refusal.error.under('/rule') : undefined}
        />
        {mayWrite && (
          <SaveDialog
            open={dialog}
            onClose={() => setDialog(false)}
            initial={form}
            segments={(segments.data ?? []).filter((s) => s.id !== segment?.id)}
            isNew={!segment}
            error={refusal?.error ?? null}
            saving={saving}
            onSave={save}
          />
        )}
      </Layouts.Content>
    </Page.Main>
  );
};
