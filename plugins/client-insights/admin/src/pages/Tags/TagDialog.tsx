import * as React from 'react';
import { Box, Button, Checkbox, Field, Grid, Modal, SingleSelect, SingleSelectOption, TextInput, Textarea } from '@strapi/design-system';
import { useNotification } from '@strapi/strapi/admin';
import { TAG_CATEGORIES } from '../../../../shared/enums';
import { tagsApi, type Tag } from '../../../../shared/contracts/tags';
import { toApiError, type ApiError } from '../../api/client';
import { useApiClient } from '../../api/useApi';
import { RefusalMessages } from '../../components/Refusal';
import { emptyGroup, rootFromRule, type Group } from '../../features/rule-builder/model';
import { RuleBuilder, type RuleBuilderChange } from '../../features/rule-builder/RuleBuilder';
import { useEnumLabel, useT } from '../../utils/translate';
import { keyFromName } from '../../../../shared/keys';

/** Create or edit a tag; an auto rule is written in the same builder as segments. */
export const TagDialog = ({ tag, onClose, onSaved }: { tag: Tag | null; onClose: () => void; onSaved: () => void }) => {
  const t = useT();
  const enumLabel = useEnumLabel();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const [name, setName] = React.useState(tag?.name ?? '');
  const [slug, setSlug] = React.useState(tag?.slug ?? '');
  const [category, setCategory] = React.useState<Tag['category']>(tag?.category ?? 'basic');
  const [description, setDescription] = React.useState(tag?.description ?? '');
  const [color, setColor] = React.useState(tag?.color ?? '#4945ff');
  const [visibility, setVisibility] = React.useState<Tag['visibility']>(tag?.visibility ?? 'global');
  const [auto, setAuto] = React.useState(tag?.rule !== null && tag?.rule !== undefined);
  const initial = React.useMemo<Group>(() => {
    try {
      return tag?.rule ? rootFromRule(tag.rule) : emptyGroup('and');
    } catch {
      return emptyGroup('and');
    }
  }, [tag]);
  const [rule, setRule] = React.useState<RuleBuilderChange | null>(null);
  /** The server's refusal of the last save, and the rule it refused (its errors show at the conditions while it is unchanged). */
  const [refusal, setRefusal] = React.useState<{ error: ApiError; ruleKey: string } | null>(null);
  const [saving, setSaving] = React.useState(false);
  const errorAt = (f: string) => refusal?.error.at(`/${f}`);
  const save = async () => {
    setSaving(true);
    setRefusal(null);
    const body = { name: name.trim(), category, description: description || null, color, visibility, rule: auto ? (rule?.rule ?? null) : null };
    try {
      if (tag) await api.request(tagsApi.update, { params: { id: tag.id }, body });
      else await api.request(tagsApi.create, { body: { ...body, ...(slug.trim() ? { slug: slug.trim() } : {}) } });
      toggleNotification({ type: 'success', message: t('tags.saved', { name }) });
      onSaved();
    } catch (e) {
      // The dialog stays open with what the user typed; the server's message shows where it points.
      setRefusal({ error: toApiError(e), ruleKey: JSON.stringify(body.rule) });
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal.Root open onOpenChange={(o: boolean) => !o && onClose()}>
      <Modal.Content style={{ width: 'min(1200px, 95vw)', maxWidth: '95vw' }}>
        <Modal.Header>
          <Modal.Title>{tag ? t('tags.edit', { name: tag.name }) : t('tags.create')}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Grid.Root gap={4}>
            <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
              <Field.Root name="name" error={errorAt('name')} required>
                <Field.Label>{t('save.name')}</Field.Label>
                <TextInput value={name} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setName(e.target.value)} data-testid="ci-tag-name" />
                <Field.Error />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
              <Field.Root name="slug" error={errorAt('slug')} hint={t('tags.slugHint')}>
                <Field.Label>{t('tags.slug')}</Field.Label>
                <TextInput
                  value={slug}
                  disabled={!!tag}
                  placeholder={!tag && name.trim() ? keyFromName(name, 'tag') : undefined}
                  onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSlug(e.target.value)}
                />
                <Field.Hint />
                <Field.Error />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
              <Field.Root name="category" error={errorAt('category')}>
                <Field.Label>{t('tags.category')}</Field.Label>
                <SingleSelect value={category} onChange={(v: string | number) => setCategory(v as Tag['category'])}>
                  {TAG_CATEGORIES.map((c) => (
                    <SingleSelectOption key={c} value={c}>
                      {enumLabel('tag.category', c)}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
                <Field.Error />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
              <Field.Root name="description" error={errorAt('description')}>
                <Field.Label>{t('save.description')}</Field.Label>
                <Textarea value={description} onChange={(e: React.ChangeEvent<HTMLTextAreaElement>) => setDescription(e.target.value)} />
                <Field.Error />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={3} s={6} direction="column" alignItems="stretch">
              <Field.Root name="color" error={errorAt('color')}>
                <Field.Label>{t('tags.color')}</Field.Label>
                <input type="color" value={color} onChange={(e) => setColor(e.target.value)} aria-label={t('tags.color')} style={{ height: 40, width: 80 }} />
                <Field.Error />
              </Field.Root>
            </Grid.Item>
            <Grid.Item col={3} s={6} direction="column" alignItems="stretch">
              <Field.Root name="visibility">
                <Field.Label>{t('save.visibility')}</Field.Label>
                <SingleSelect value={visibility} onChange={(v: string | number) => setVisibility(v as Tag['visibility'])}>
                  {(['private', 'team', 'global'] as const).map((v) => (
                    <SingleSelectOption key={v} value={v}>
                      {t(`visibility.${v}`)}
                    </SingleSelectOption>
                  ))}
                </SingleSelect>
              </Field.Root>
            </Grid.Item>
          </Grid.Root>
          <Box paddingTop={4}>
            <Checkbox checked={auto} onCheckedChange={(c: boolean | 'indeterminate') => setAuto(c === true)}>
              {t('tags.autoRule')}
            </Checkbox>
            {auto && (
              <Box paddingTop={3}>
                <RuleBuilder
                  initial={initial}
                  onChange={setRule}
                  refused={refusal && JSON.stringify(rule?.rule ?? null) === refusal.ruleKey ? refusal.error.under('/rule') : undefined}
                />
              </Box>
            )}
          </Box>
          <RefusalMessages error={refusal?.error} shownAt={['/name', '/slug', '/category', '/description', '/color']} />
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('action.cancel')}</Button>
          </Modal.Close>
          <Button
            onClick={save}
            loading={saving}
            disabled={!name.trim() || (auto && !(rule?.complete && rule.preview.status === 'ok'))}
            data-testid="ci-tag-save"
          >
            {t('action.save')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
