/**
 * Keys (segment keys, tag slugs) derived from a display name, one rule for server and admin.
 * Latin letters and digits make a readable key (`VIP 客户` → `vip`). A name without any (e.g. a
 * Chinese-only `奖学金意向`) gets `<prefix>-<hash>`: a short, stable id from the name's FNV-1a
 * hash in base 36, so the same name always proposes the same key and the user can still edit it.
 */
export const keyFromName = (name: string, prefix: string, maxLength = 80): string => {
  const latin = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
  return latin || `${prefix}-${fnv1a(name.trim()).toString(36)}`;
};

/** 32-bit FNV-1a over the UTF-16 code units: tiny, deterministic, good enough to tell names apart. */
const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
};
