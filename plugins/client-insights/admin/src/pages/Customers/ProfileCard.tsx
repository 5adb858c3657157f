import * as React from 'react';
import { Accordion, Badge, Box, Button, Flex, Grid, IconButton, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { Cross, Plus } from '@strapi/icons';
import { Layouts, Page, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { Link } from 'react-router-dom';
import { customersApi } from '../../../../shared/contracts/customers';
import { tagsApi } from '../../../../shared/contracts/tags';
import { errorMessage, useApi, useApiClient } from '../../api/useApi';
import { useDateTime } from '../../components/Dates';
import { useMoney } from '../../components/Numbers';
import { SectionError, SectionLoading } from '../../components/States';
import { usePermissions } from '../../hooks/usePermissions';
import { pluginPath } from '../../utils/paths';
import { useEnumLabel, useT, type MessageKey } from '../../utils/translate';
import { ConsentSection } from './ConsentSection';
import { FollowUpTask } from './FollowUpTask';

/** One section of the profile: a heading that folds its content, open at first. */
const ProfileSection = ({ value, title, children }: { value: string; title: React.ReactNode; children: React.ReactNode }) => (
  <Accordion.Root collapsible defaultValue={value}>
    <Accordion.Item value={value}>
      <Accordion.Header>
        <Accordion.Trigger>{title}</Accordion.Trigger>
      </Accordion.Header>
      <Accordion.Content>
        <Box padding={4}>{children}</Box>
      </Accordion.Content>
    </Accordion.Item>
  </Accordion.Root>
);

const CATEGORIES = ['basic', 'behavior', 'value', 'risk'] as const;
const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);

const Fact = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <Grid.Item col={4} s={6} xs={12} direction="column" alignItems="flex-start">
    <Typography variant="sigma" textColor="neutral600">
      {label}
    </Typography>
    <Typography>{children ?? '—'}</Typography>
  </Grid.Item>
);

const PersonLink = ({ p }: { p: { id: number; name: string | null } }) => (
  <Link to={pluginPath(`customers/${p.id}`)}>
    <Typography textColor="primary600">{p.name ?? `#${p.id}`}</Typography>
  </Link>
);

/** A language code ("zh-CN") as a name in the admin's language ("Chinese (China)", "中文（中国）"). */
const useLanguageName = () => {
  const { locale } = useIntl();
  return (code: string | null) => {
    if (!code) return null;
    try {
      return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
    } catch {
      return code; // not a language tag: show it as stored
    }
  };
};

/**
 * The profile page: the customer's name is the page's header (with the way back to the list), and
 * below it the card, whose sections collapse and expand; contact data arrives masked without
 * sensitive.view.
 */
export const ProfileCard = ({ id, back }: { id: string; back: React.ReactNode }) => {
  const t = useT();
  const languageName = useLanguageName();
  const money = useMoney();
  const enumLabel = useEnumLabel();
  const when = useDateTime();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const { can } = usePermissions();
  const profile = useApi(customersApi.profile, { params: { id } });
  const allTags = useApi(tagsApi.list, can['tags.manage'] ? {} : null);
  const [adding, setAdding] = React.useState<string | undefined>();
  const header = (title: string, action?: React.ReactNode) => (
    <>
      <Page.Title>{title}</Page.Title>
      <Layouts.Header navigationAction={back} title={title} primaryAction={action} />
    </>
  );
  if (profile.isLoading && !profile.data)
    return (
      <>
        {header(t('customers.title'))}
        <Layouts.Content>
          <SectionLoading />
        </Layouts.Content>
      </>
    );
  if (profile.error || !profile.data)
    return (
      <>
        {header(t('customers.title'))}
        <Layouts.Content>
          <SectionError error={profile.error} onRetry={profile.reload} />
        </Layouts.Content>
      </>
    );
  const p = profile.data;
  const c = p.customer;
  /** Adds or removes a tag; false (with the server's message shown) when refused. */
  const changeTag = async (method: 'add' | 'remove', tagId: number) => {
    try {
      if (method === 'add') await api.request(customersApi.addTag, { params: { id: c.id }, body: { tagId } });
      else await api.request(customersApi.removeTag, { params: { id: c.id, tagId } });
      profile.reload();
      return true;
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
      return false;
    }
  };
  const quadrant = p.scores?.quadrant;
  return (
    <>
      {header(c.name ?? `#${c.id}`, <FollowUpTask customer={c} />)}
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4} data-testid="ci-profile">
          <Flex gap={2}>
            {c.stage && <Badge>{enumLabel('enum', c.stage)}</Badge>}
            {quadrant && <Badge>{enumLabel('enum', quadrant)}</Badge>}
            {p.masked && (
              <Typography variant="pi" textColor="neutral600">
                {t('profile.masked')}
              </Typography>
            )}
          </Flex>
          <ProfileSection value="basic" title={t('profile.basic')}>
            <Grid.Root gap={4}>
              <Fact label={t('customer.email')}>{c.email}</Fact>
              <Fact label={t('customer.phone')}>{c.phone}</Fact>
              <Fact label={t('customer.region')}>{c.region}</Fact>
              <Fact label={t('profile.language')}>{languageName(c.language)}</Fact>
              <Fact label={t('profile.education')}>{c.education ? enumLabel('enum', c.education) : null}</Fact>
              <Fact label={t('profile.targetMajor')}>{c.targetMajor}</Fact>
              <Fact label={t('profile.program')}>{c.program}</Fact>
              <Fact label={t('customer.stage')}>{c.stage ? enumLabel('enum', c.stage) : null}</Fact>
              <Fact label={t('profile.leadSource')}>{c.leadSource ? enumLabel('enum', c.leadSource) : null}</Fact>
              <Fact label={t('profile.createdAt')}>{when(c.createdAt)}</Fact>
              {!p.masked && <Fact label={t('profile.notes')}>{c.notes}</Fact>}
            </Grid.Root>
          </ProfileSection>
          <ProfileSection value="consent" title={t('profile.consent')}>
            <ConsentSection customerId={c.id} consent={p.consent} onChanged={profile.reload} />
          </ProfileSection>
          <ProfileSection value="network" title={t('profile.network')}>
            <Grid.Root gap={4}>
              <Fact label={t('profile.referrer')}>{p.referrer ? <PersonLink p={p.referrer} /> : t('profile.none')}</Fact>
              {p.referrals.length ? (
                <Fact label={t('profile.referrals', { n: p.referrals.length })}>
                  <Flex gap={2} wrap="wrap">
                    {p.referrals.map((r) => (
                      <PersonLink key={r.id} p={r} />
                    ))}
                  </Flex>
                </Fact>
              ) : (
                <Fact label={t('profile.referredBy')}>{t('profile.noReferrals')}</Fact>
              )}
              <Fact label={t('profile.family')}>
                {p.family.length ? (
                  <Flex gap={2} wrap="wrap">
                    {p.family.map((r) => (
                      <PersonLink key={r.id} p={r} />
                    ))}
                  </Flex>
                ) : (
                  t('profile.none')
                )}
              </Fact>
            </Grid.Root>
          </ProfileSection>
          <ProfileSection value="tags" title={t('profile.tags', { n: p.tags.length })}>
            <Grid.Root gap={4}>
              {CATEGORIES.map((cat) => {
                const inCat = p.tags.filter((tag) => tag.category === cat);
                return (
                  <Grid.Item key={cat} col={3} s={6} xs={12} direction="column" alignItems="flex-start" gap={2}>
                    <Typography variant="sigma" textColor="neutral600">
                      {enumLabel('tag.category', cat)}
                    </Typography>
                    {inCat.length === 0 && (
                      <Typography variant="pi" textColor="neutral500">
                        {t('profile.none')}
                      </Typography>
                    )}
                    {inCat.map((tag) => (
                      <Flex key={tag.id} gap={1}>
                        <Badge backgroundColor="neutral150" style={tag.color ? { borderLeft: `4px solid ${tag.color}` } : undefined}>
                          {tag.name}
                        </Badge>
                        <Typography variant="pi" textColor="neutral500">
                          {enumLabel('source', tag.source)}
                        </Typography>
                        {can['tags.manage'] && (
                          <IconButton label={t('profile.removeTag', { name: tag.name })} variant="ghost" size="XS" onClick={() => changeTag('remove', tag.id)}>
                            <Cross />
                          </IconButton>
                        )}
                      </Flex>
                    ))}
                  </Grid.Item>
                );
              })}
            </Grid.Root>
            {can['tags.manage'] && allTags.data && (
              <Flex gap={2} paddingTop={4}>
                <Box minWidth="260px">
                  <SingleSelect
                    aria-label={t('profile.addTag')}
                    placeholder={t('builder.value.tag')}
                    value={adding}
                    onChange={(v: string | number) => setAdding(String(v))}
                  >
                    {allTags.data
                      .filter((tag) => !p.tags.some((x) => x.id === tag.id))
                      .map((tag) => (
                        <SingleSelectOption key={tag.id} value={String(tag.id)}>
                          {`${tag.name} (${enumLabel('tag.category', tag.category)})`}
                        </SingleSelectOption>
                      ))}
                  </SingleSelect>
                </Box>
                <Button
                  startIcon={<Plus />}
                  disabled={!adding}
                  onClick={async () => {
                    if (await changeTag('add', Number(adding))) setAdding(undefined);
                  }}
                >
                  {t('profile.addTag')}
                </Button>
              </Flex>
            )}
          </ProfileSection>
          <ProfileSection value="journey" title={t('profile.journey')}>
            {p.timeline.length === 0 ? (
              <Typography textColor="neutral600">{t('profile.noJourney')}</Typography>
            ) : (
              <Flex direction="column" alignItems="stretch" gap={2} tag="ol" style={{ listStyle: 'none', padding: 0 }}>
                {p.timeline.map((e) => (
                  <Flex key={`${e.kind}-${e.id}`} gap={3} tag="li">
                    <Box minWidth="160px">
                      <Typography variant="pi" textColor="neutral600">
                        {when(e.at)}
                      </Typography>
                    </Box>
                    <Badge backgroundColor={e.kind === 'order' ? 'success100' : 'primary100'} textColor={e.kind === 'order' ? 'success700' : 'primary700'}>
                      {t(e.kind === 'order' ? 'profile.order' : 'profile.interaction')}
                    </Badge>
                    {e.kind === 'order' ? (
                      <Typography>
                        {enumLabel('orderKind', e.type)} · {money(e.amount, e.currency)} · {enumLabel('orderStatus', e.status)}
                      </Typography>
                    ) : (
                      <Typography>
                        {enumLabel('event', e.type)}
                        {e.channel ? ` · ${enumLabel('channel', e.channel)}` : ''}
                      </Typography>
                    )}
                  </Flex>
                ))}
              </Flex>
            )}
          </ProfileSection>
          <ProfileSection value="value" title={t('profile.value')}>
            <Grid.Root gap={4}>
              <Fact label={t('members.totalSpent')}>{money(p.metrics?.totalSpent ?? 0)}</Fact>
              <Fact label={t('members.orderCount')}>{p.metrics?.orderCount ?? 0}</Fact>
              <Fact label={t('profile.lastInteraction')}>{when(p.metrics?.lastInteractionAt)}</Fact>
              {p.scores ? (
                <>
                  <Fact label="R · F · M">{`${p.scores.r ?? '—'} · ${p.scores.f ?? '—'} · ${p.scores.m ?? '—'}`}</Fact>
                  <Fact label={t('profile.rfmSegment')}>{p.scores.rfmSegment ? enumLabel('enum', p.scores.rfmSegment) : null}</Fact>
                  <Fact label={t('customers.quadrant')}>{quadrant ? enumLabel('enum', quadrant) : null}</Fact>
                  <Fact label={t('profile.clv', { months: p.scores.clvBasis?.horizonMonths ?? '—' })}>
                    {p.scores.clv === null ? null : Math.round(p.scores.clv).toLocaleString()}
                  </Fact>
                  <Fact label={t('profile.churnRisk')}>{pct(p.scores.churnRisk)}</Fact>
                  <Fact label={t('profile.renewal')}>{pct(p.scores.renewalProbability)}</Fact>
                  <Fact label={t('profile.upsell')}>{pct(p.scores.upsellProbability)}</Fact>
                </>
              ) : (
                <Fact label={t('profile.scores')}>{t('profile.notScored')}</Fact>
              )}
            </Grid.Root>
            {quadrant && (
              <Box paddingTop={4} data-testid="ci-suggestion">
                <Typography variant="sigma" textColor="neutral600">
                  {t('profile.suggestion')}
                </Typography>
                <Typography tag="p">{t(`suggestion.${quadrant}` as MessageKey)}</Typography>
              </Box>
            )}
          </ProfileSection>
        </Flex>
      </Layouts.Content>
    </>
  );
};
