import { Flex, IconButton, Typography } from '@strapi/design-system';
import { ChevronLeft, ChevronRight } from '@strapi/icons';
import { useT } from '../utils/translate';

/** Previous / next with "page x of y · n items". */
export const Pager = ({ page, pageCount, total, onPage }: { page: number; pageCount: number; total: number; onPage: (p: number) => void }) => {
  const t = useT();
  return (
    <Flex gap={2} justifyContent="flex-end" paddingTop={3}>
      <Typography variant="pi" textColor="neutral600">
        {t('pager.status', { page, pages: Math.max(1, pageCount), total })}
      </Typography>
      <IconButton label={t('pager.previous')} disabled={page <= 1} onClick={() => onPage(page - 1)} data-testid="ci-page-prev">
        <ChevronLeft />
      </IconButton>
      <IconButton label={t('pager.next')} disabled={page >= pageCount} onClick={() => onPage(page + 1)} data-testid="ci-page-next">
        <ChevronRight />
      </IconButton>
    </Flex>
  );
};
