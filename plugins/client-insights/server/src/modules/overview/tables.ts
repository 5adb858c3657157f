import type { Core } from '@strapi/strapi';
import { UID } from '../../core/constants';

/** Table and link-table names of the host content types, read from Strapi's metadata. */
export const hostTables = (strapi: Core.Strapi) => {
  const meta = (uid: string) => strapi.db.metadata.get(uid as any) as any;
  const join = (uid: string, attribute: string) => meta(uid).attributes[attribute].joinTable;
  const customer = meta(UID.customer).tableName as string;
  const orderLink = join(UID.order, 'customer');
  const interactionLink = join(UID.interaction, 'customer');
  const referrer = join(UID.customer, 'referrer');
  const family = join(UID.customer, 'family_members');
  return {
    customer,
    tag: meta(UID.tag).tableName as string,
    segment: meta(UID.segment).tableName as string,
    order: meta(UID.order).tableName as string,
    interaction: meta(UID.interaction).tableName as string,
    /** orders_customer_lnk(order_id, customer_id) */
    orderCustomer: { table: orderLink.name as string, order: orderLink.joinColumn.name as string, customer: orderLink.inverseJoinColumn.name as string },
    /** interactions_customer_lnk(interaction_id, customer_id) */
    interactionCustomer: {
      table: interactionLink.name as string,
      interaction: interactionLink.joinColumn.name as string,
      customer: interactionLink.inverseJoinColumn.name as string,
    },
    /** customers_referrer_lnk(customer_id, inv_customer_id): customer_id's referrer is inv_customer_id */
    referrer: { table: referrer.name as string, customer: referrer.joinColumn.name as string, referrer: referrer.inverseJoinColumn.name as string },
    family: { table: family.name as string, customer: family.joinColumn.name as string, member: family.inverseJoinColumn.name as string },
  };
};
