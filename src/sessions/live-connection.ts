/** A connection stops counting 60 s after its last heartbeat (api-contract §6.4). */
export const HEARTBEAT_TIMEOUT_SECONDS = 60;

/**
 * SQL condition for "live" on a `connections` row aliased `c`, measured at the time in the given
 * query parameter (the injected clock, so tests can move time).
 */
export const liveConnection = (nowParameter: string) =>
  `c.closed_at IS NULL AND c.last_heartbeat > ${nowParameter}::timestamptz - interval '${HEARTBEAT_TIMEOUT_SECONDS} seconds'`;
