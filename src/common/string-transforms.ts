/**
 * class-transformer `@Transform` functions for values that arrive as strings (query parameters,
 * environment variables). Anything that does not parse is passed on unchanged, so the validator
 * reports it.
 */
type Input = { value: unknown };

/** `true` / `false`, case-insensitive (§1.2). */
export const stringToBoolean = ({ value }: Input) =>
  typeof value === 'string' && /^(true|false)$/i.test(value) ? value.toLowerCase() === 'true' : value;

/** Base-10 digits only (§1.2): `1e3` and `0x10` stay strings and fail validation. */
export const stringToInteger = ({ value }: Input) =>
  typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
