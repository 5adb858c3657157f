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
  return (
    <Page.Main>
      <Page.Title>{t('nav.customers')}</Page.Title>
      <Layouts.Header
        title={t('customers.title')}
        subtitle={t('customers.subtitle')}
        navigationAction={
          id ? (
            <DSLink tag={NavLink} to={pluginPath('customers')} startIcon={<ArrowLeft />}>
              {t('customers.back')}
            </DSLink>
          ) : undefined
        }
      />
      <Layouts.Content>{id ? <ProfileCard key={id} id={id} /> : <CustomerList />}</Layouts.Content>
    </Page.Main>
  );
};
