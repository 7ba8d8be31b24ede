/** Contract durations (§1.2): `^[0-9]+(s|m|h)$`, no combined units. */
export const DURATION_PATTERN = /^([0-9]+)(s|m|h)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** Seconds, or undefined when not a contract duration. */
export function durationSeconds(value: string): number | undefined {
  const match = DURATION_PATTERN.exec(value);
  return match ? Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS] : undefined;
}
