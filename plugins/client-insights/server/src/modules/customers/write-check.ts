import type { WriteCheck } from '../../core/security/validation';

/** An IANA time zone name this runtime knows ("Asia/Shanghai", "Europe/Berlin", "UTC"). */
export const isIanaZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/**
 * What every write of a customer must satisfy, whichever path it takes: a time zone (used for
 * quiet hours, waits and date triggers) is a known IANA name or empty.
 */
export const customerWriteCheck: WriteCheck = (data) => {
  const zone = data.timezone;
  if (zone === undefined || zone === null || zone === '') return [];
  if (typeof zone !== 'string' || zone.length > 64 || !isIanaZone(zone))
    return [{ path: '/timezone', message: 'must be an IANA time zone such as Asia/Shanghai' }];
  return [];
};
