/** The constraint a unique violation (SQLSTATE 23505) broke, from pg or PGlite errors. */
export function uniqueViolation(error: unknown): string | undefined {
  const driver = (error as { driverError?: { code?: string; constraint?: string } } | null)?.driverError ?? error;
  const { code, constraint } = (driver ?? {}) as { code?: string; constraint?: string };
  return code === '23505' ? (constraint ?? 'unknown') : undefined;
}
