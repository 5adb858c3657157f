import * as React from 'react';
import { Badge, Box, Button, Flex, Modal, TextInput, Typography } from '@strapi/design-system';
import { automationApi, type AutomationCatalogue, type AutomationRule, type AutomationTestResult } from '../../../../shared/contracts/automation';
import { customersApi } from '../../../../shared/contracts/customers';
import { toApiError, type ApiError } from '../../api/client';
import { useApi, useApiClient } from '../../api/useApi';
import { useDateTime } from '../../components/Dates';
import { RefusalMessages } from '../../components/Refusal';
import { RuleSentences } from '../../components/RuleSentences';
import { useIntl } from 'react-intl';
import { label, useEnumLabel, useT } from '../../utils/translate';
import { actionLabel } from './StepsEditor';

type Picked = { id: number; name: string | null };

/** Customers found by name (or email, phone) for the test: picked from a list, never an id typed by hand. */
const CustomerSearch = ({ picked, onPick }: { picked: Picked | null; onPick: (c: Picked) => void }) => {
  const t = useT();
  const [q, setQ] = React.useState('');
  const found = useApi(customersApi.list, q.trim() ? { query: { q: q.trim(), page: 1, pageSize: 8 } } : null);
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <TextInput
        aria-label={t('automation.test.search')}
        placeholder={t('automation.test.search')}
        value={q}
        onChange={(e: React.ChangeEvent<HTMLInputElement>) => setQ(e.target.value)}
        data-testid="ci-automation-test-search"
      />
      <Flex gap={2} wrap="wrap" role="listbox" aria-label={t('automation.test.customer')}>
        {(q.trim() ? (found.body?.data ?? []) : []).map((c) => (
          <Button
            key={c.id}
            size="S"
            role="option"
            aria-selected={picked?.id === c.id}
            variant={picked?.id === c.id ? 'default' : 'tertiary'}
            onClick={() => onPick({ id: c.id, name: c.name })}
            data-testid="ci-automation-test-customer"
          >
            {c.name ?? `#${c.id}`}
          </Button>
        ))}
        {q.trim() && found.body?.data.length === 0 && <Typography textColor="neutral600">{t('automation.test.none')}</Typography>}
      </Flex>
    </Flex>
  );
};

const parsedRule = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

/** What the test mode answered: does the trigger match, each condition's value, and each step as it would run. */
const TestResult = ({ result, catalogue }: { result: AutomationTestResult; catalogue: AutomationCatalogue | undefined }) => {
  const t = useT();
  const { locale } = useIntl();
  // The steps' times as the customer lives them (quiet hours, "09:00 in their zone"), not the browser's.
  const when = useDateTime(result.timezone);
  const enumLabel = useEnumLabel();
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="ci-automation-test-result">
      <Flex gap={2} data-testid="ci-automation-test-trigger" data-matches={String(result.triggerMatches)}>
        <Badge variant={result.triggerMatches ? 'success' : 'danger'}>{t(result.triggerMatches ? 'automation.test.matches' : 'automation.test.noMatch')}</Badge>
        <Typography variant="pi" data-testid="ci-automation-test-why">
          {label(result.triggerExplanationText, locale, result.triggerExplanation)}
        </Typography>
      </Flex>
      <Box>
        <Typography variant="sigma">{t('automation.test.conditions')}</Typography>
        {result.conditions.length === 0 && (
          <Typography display="block" textColor="neutral600">
            {t('automation.test.noConditions')}
          </Typography>
        )}
        {result.conditions.map((c) => (
          <Flex key={c.pointer} gap={2} paddingTop={1} data-testid="ci-automation-test-condition" data-value={String(c.value)}>
            <Badge variant={c.value ? 'success' : 'danger'}>{t(c.value ? 'automation.test.true' : 'automation.test.false')}</Badge>
            {/* The part as the builder words it (the API gives its JSON); JSON when it cannot be worded. */}
            <RuleSentences rule={parsedRule(c.text)} fallback={<Typography>{c.text}</Typography>} />
            <Typography variant="pi" textColor="neutral600">
              {Object.entries(c.facts)
                .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
                .join(' · ')}
            </Typography>
          </Flex>
        ))}
      </Box>
      {result.blockedBy.length > 0 && (
        <Typography textColor="danger600" data-testid="ci-automation-test-blocked">
          {t('automation.test.blocked', { reasons: result.blockedBy.map((r) => enumLabel('automation.skip', r)).join(', ') })}
        </Typography>
      )}
      <Box>
        <Typography variant="sigma">{t('automation.test.steps')}</Typography>
        {result.steps.map((s) => (
          <Box key={s.path} paddingTop={2} data-testid="ci-automation-test-step" data-outcome={s.outcome} data-action={s.action ?? ''}>
            <Flex gap={2}>
              <Badge>{enumLabel('automation.outcome', s.outcome)}</Badge>
              <Typography fontWeight="bold">{s.action ? actionLabel(catalogue, locale, s.action) : enumLabel('automation.step', s.kind)}</Typography>
              {s.at && <Typography variant="pi">{t('automation.test.at', { at: when(s.at) })}</Typography>}
              {s.reason && <Typography variant="pi">{enumLabel('automation.skip', s.reason)}</Typography>}
            </Flex>
            {s.rendered && (
              <Box paddingLeft={4} paddingTop={1}>
                <Typography display="block">{label(s.rendered.summaryText, locale, s.rendered.summary)}</Typography>
                {s.rendered.to && (
                  <Typography display="block" variant="pi">
                    {t('automation.test.to', { to: s.rendered.to })}
                  </Typography>
                )}
                {s.rendered.subject && <Typography display="block">{s.rendered.subject}</Typography>}
                {s.rendered.text && <Typography display="block">{s.rendered.text}</Typography>}
                {s.rendered.payload !== undefined && (
                  <Box
                    tag="pre"
                    padding={2}
                    background="neutral100"
                    hasRadius
                    style={{ whiteSpace: 'pre-wrap', fontSize: 12 }}
                    data-testid="ci-automation-test-payload"
                  >
                    {JSON.stringify(s.rendered.payload, null, 2)}
                  </Box>
                )}
              </Box>
            )}
          </Box>
        ))}
      </Box>
    </Flex>
  );
};

/** Runs a saved rule's test mode for one chosen customer: nothing is sent and nothing is stored as a run. */
export const TestPanel = ({ rule, catalogue, onClose }: { rule: AutomationRule; catalogue: AutomationCatalogue | undefined; onClose: () => void }) => {
  const t = useT();
  const api = useApiClient();
  const [picked, setPicked] = React.useState<Picked | null>(null);
  const [result, setResult] = React.useState<AutomationTestResult | null>(null);
  const [refusal, setRefusal] = React.useState<ApiError | null>(null);
  const [running, setRunning] = React.useState(false);
  const run = async () => {
    if (!picked) return;
    setRunning(true);
    setRefusal(null);
    try {
      const res = await api.request(automationApi.test, { params: { id: rule.documentId }, body: { customerId: picked.id } });
      setResult(res.data);
    } catch (e) {
      setResult(null);
      setRefusal(toApiError(e));
    } finally {
      setRunning(false);
    }
  };
  return (
    <Modal.Root open onOpenChange={(o: boolean) => !o && onClose()}>
      <Modal.Content style={{ width: 'min(900px, 95vw)', maxWidth: '95vw' }}>
        <Modal.Header closeLabel={t('action.close')}>
          <Modal.Title>{t('automation.test.title', { name: rule.name })}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Typography textColor="neutral600">{t('automation.test.hint')}</Typography>
            <CustomerSearch picked={picked} onPick={setPicked} />
            <RefusalMessages error={refusal} />
            {result && <TestResult result={result} catalogue={catalogue} />}
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t('action.cancel')}</Button>
          </Modal.Close>
          <Button onClick={run} loading={running} disabled={!picked} data-testid="ci-automation-test-run">
            {picked ? t('automation.test.runFor', { name: picked.name ?? `#${picked.id}` }) : t('automation.test.run')}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};
