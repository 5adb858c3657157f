import * as React from 'react';
import { Badge, Box, Button, Flex, Table, Tbody, Td, TextInput, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { useNotification } from '@strapi/strapi/admin';
import { customersApi, type Consent } from '../../../../shared/contracts/customers';
import { errorMessage, useApiClient } from '../../api/useApi';
import { useDateTime } from '../../components/Dates';
import { useT } from '../../utils/translate';

/**
 * A customer's consent per channel (granted, withdrawn or never recorded, when and from where),
 * and recording a new decision with its source. Automation contacts a customer only on a granted
 * channel; every change is audited.
 */
export const ConsentSection = ({ customerId, consent, onChanged }: { customerId: number; consent: Consent[]; onChanged: () => void }) => {
  const t = useT();
  const when = useDateTime();
  const api = useApiClient();
  const { toggleNotification } = useNotification();
  const [source, setSource] = React.useState('');
  const [saving, setSaving] = React.useState<string | null>(null);
  const record = async (channel: Consent['channel'], granted: boolean) => {
    setSaving(channel);
    try {
      await api.request(customersApi.setConsent, { params: { id: customerId, channel }, body: { granted, source: source.trim() } });
      onChanged();
    } catch (e) {
      toggleNotification({ type: 'danger', message: errorMessage(e) });
    } finally {
      setSaving(null);
    }
  };
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="ci-consent">
      <Table colCount={4} rowCount={consent.length + 1}>
        <Thead>
          <Tr>
            {(['consent.channel', 'consent.state', 'consent.source', 'consent.change'] as const).map((k) => (
              <Th key={k}>
                <Typography variant="sigma">{t(k)}</Typography>
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {consent.map((c) => (
            <Tr key={c.channel} data-testid={`ci-consent-${c.channel}`}>
              <Td>
                <Typography>{t(`consent.channel.${c.channel}`)}</Typography>
              </Td>
              <Td>
                <Badge active={c.granted === true}>{t(c.granted === null ? 'consent.none' : c.granted ? 'consent.granted' : 'consent.withdrawn')}</Badge>
                {c.at && (
                  <Typography variant="pi" textColor="neutral600" display="block">
                    {when(c.at)}
                  </Typography>
                )}
              </Td>
              <Td>
                <Typography>{c.source ?? '—'}</Typography>
              </Td>
              <Td>
                <Button
                  size="S"
                  variant={c.granted ? 'danger-light' : 'secondary'}
                  disabled={!source.trim()}
                  loading={saving === c.channel}
                  onClick={() => record(c.channel, !c.granted)}
                  data-testid={`ci-consent-toggle-${c.channel}`}
                >
                  {t(c.granted ? 'consent.withdraw' : 'consent.grant')}
                </Button>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <Box maxWidth="400px">
        <TextInput
          aria-label={t('consent.sourceInput')}
          placeholder={t('consent.sourceInput')}
          value={source}
          maxLength={100}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => setSource(e.target.value)}
          data-testid="ci-consent-source"
        />
      </Box>
    </Flex>
  );
};
