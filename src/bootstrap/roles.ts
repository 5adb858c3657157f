import type { Core } from '@strapi/strapi';
import { CONTENT_CONDITIONS, ROLE_MATRIX, type RoleSpec } from './role-matrix';

type Permission = { id?: number; action: string; subject: string | null; properties?: { fields?: string[] }; conditions?: string[] };

/** Every readable field of a content type, as the admin's own permission editor lists them. */
const fieldsOf = (strapi: Core.Strapi, uid: string, hidden: string[] = []) =>
  Object.entries(strapi.contentType(uid as any).attributes)
    .filter(([, attribute]: [string, any]) => attribute.visible !== false)
    .map(([name]) => name)
    .filter((name) => !hidden.includes(name));

export const permissionsOf = (strapi: Core.Strapi, spec: RoleSpec): Permission[] => [
  ...spec.plugin.map((action) => ({ action: `plugin::client-insights.${action}`, subject: null })),
  ...Object.entries(spec.content).flatMap(([uid, actions]) =>
    actions.map((action) => ({
      action: `plugin::content-manager.explorer.${action}`,
      subject: uid,
      properties: action === 'delete' ? {} : { fields: fieldsOf(strapi, uid, spec.hiddenFields?.[uid]) },
      conditions: CONTENT_CONDITIONS[uid] ?? [],
    }))
  ),
];

const samePermission = (a: Permission, b: Permission) => a.action === b.action && (a.subject ?? null) === (b.subject ?? null);

/** Existing permissions on segments and tags get the visibility condition they lacked (roles made before it existed). */
const addMissingConditions = async (strapi: Core.Strapi, existing: Permission[]) => {
  for (const have of existing) {
    const wanted = have.action.startsWith('plugin::content-manager.explorer.') && have.subject ? CONTENT_CONDITIONS[have.subject] : undefined;
    const lacking = (wanted ?? []).filter((c) => !(have.conditions ?? []).includes(c));
    if (lacking.length > 0)
      await strapi.db.query('admin::permission').update({ where: { id: have.id }, data: { conditions: [...(have.conditions ?? []), ...lacking] } });
  }
};

/**
 * Creates the four roles on first boot and, on later boots, adds any permission of the matrix a
 * role lacks (e.g. after an upgrade). It never removes what an administrator granted on top.
 */
export const ensureRoles = async (strapi: Core.Strapi) => {
  const roles = strapi.service('admin::role');
  for (const spec of ROLE_MATRIX) {
    let role = await roles.findOne({ code: spec.code });
    if (!role) role = await roles.create({ name: spec.name, code: spec.code, description: spec.description });
    const existing: Permission[] = await strapi.service('admin::permission').findMany({ where: { role: { id: role.id } } });
    const missing = permissionsOf(strapi, spec).filter((wanted) => !existing.some((have) => samePermission(have, wanted)));
    if (missing.length > 0) await roles.addPermissions(role.id, missing);
    await addMissingConditions(strapi, existing);
  }
};
