import { seesContact, type Viewer } from '../../core/http/viewer';

/**
 * Who sees which segment: the one rule for segments and tags is in core/security/visibility.ts
 * (canSee), enforced there for the content manager, REST and GraphQL as well.
 */
export type { Viewer };
export { canSee } from '../../core/security/visibility';

/** Whether member lists and exports show this viewer contact data unmasked (see customers/mask.ts). */
export const viewerSeesContact = seesContact;
