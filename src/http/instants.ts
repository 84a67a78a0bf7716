/**
 * The instants a query may name. PostgreSQL's timestamptz reaches further back, but a year
 * before 1970 or after 9999 is a typo, and year 0 (which JavaScript accepts) is not a
 * PostgreSQL date at all; an impossible time (a leap second, 24:00) is no instant either.
 */
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(10000, 0, 1);

export const isSupportedInstant = (ms: number): boolean => !Number.isNaN(ms) && ms >= EARLIEST && ms < LATEST;
