import type { Core } from '@strapi/strapi';

/**
 * Without ADMIN_EMAIL / ADMIN_PASSWORD the first visit to /admin asks for the first administrator.
 * With them (CI, demos), that super admin is created on the first start.
 */
export const ensureFirstAdmin = async (strapi: Core.Strapi) => {
  const email = process.env.ADMIN_EMAIL;
  const password = process.env.ADMIN_PASSWORD;
  if (!email || !password) return;
  if ((await strapi.db.query('admin::user').count()) > 0) return;
  const superAdmin = await strapi.service('admin::role').getSuperAdmin();
  await strapi.service('admin::user').create({
    email,
    password,
    firstname: process.env.ADMIN_FIRSTNAME ?? 'Admin',
    lastname: process.env.ADMIN_LASTNAME ?? 'Client Insights',
    isActive: true,
    roles: [superAdmin.id],
  });
  strapi.log.info(`[client-insights] created the first administrator ${email}`);
};
