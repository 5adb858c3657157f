import { Link as DSLink } from '@strapi/design-system';
import { ArrowLeft } from '@strapi/icons';
import { Layouts, Page } from '@strapi/strapi/admin';
import { NavLink, useParams } from 'react-router-dom';
import { pluginPath } from '../../utils/paths';
import { useT } from '../../utils/translate';
import { CustomerList } from './CustomerList';
import { ProfileCard } from './ProfileCard';

export const CustomersPage = () => {
  const t = useT();
  const { id } = useParams();
  // A profile's header is the customer's name (ProfileCard), not the list's title again.
  if (id)
    return (
      <Page.Main>
        <ProfileCard
          key={id}
          id={id}
          back={
            <DSLink tag={NavLink} to={pluginPath('customers')} startIcon={<ArrowLeft />} data-testid="ci-profile-back">
              {t('customers.back')}
            </DSLink>
          }
        />
      </Page.Main>
    );
  return (
    <Page.Main>
      <Page.Title>{t('nav.customers')}</Page.Title>
      <Layouts.Header title={t('customers.title')} subtitle={t('customers.subtitle')} />
      <Layouts.Content>
        <CustomerList />
      </Layouts.Content>
    </Page.Main>
  );
};
