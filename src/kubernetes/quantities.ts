/**
 * Kubernetes quantity strings ↔ the integers we compute with (millicores, MiB), and the output
 * forms of api-contract §1.2. Exact decimal arithmetic with BigInt, so "0.3" is 300m, not 301m.
 */
const QUANTITY = /^\+?(?<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?<suffix>[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;
const BINARY_POWERS: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL_EXPONENTS: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const MIB = 2n ** 20n;
const MAX_LENGTH = 64;
const MAX_EXPONENT = 24;

/** A non-negative quantity as the exact fraction numerator/denominator of base units. */
function parseQuantity(input: string | number): { numerator: bigint; denominator: bigint; suffix: string } | undefined {
  const text = String(input).trim();
  const match = text.length <= MAX_LENGTH ? QUANTITY.exec(text) : null;
  if (!match?.groups) return undefined;
  const [whole, fraction = ''] = match.groups.number.split('.');
  const suffix = match.groups.suffix ?? '';
  let numerator = BigInt(`${whole}${fraction}` || '0');
  let denominator = 10n ** BigInt(fraction.length);
  const exponent = suffix in BINARY_POWERS ? undefined : (DECIMAL_EXPONENTS[suffix] ?? Number(suffix.slice(1)));
  // `1e99999999` would make a number with a hundred million digits; nothing real is that large.
  if (exponent !== undefined && Math.abs(exponent) > MAX_EXPONENT) return undefined;
  if (exponent === undefined) numerator *= 1024n ** BigInt(BINARY_POWERS[suffix]);
  else if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator *= 10n ** BigInt(-exponent);
  return { numerator, denominator, suffix };
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

/** CPU quantity (cores) → whole millicores, rounded up; undefined when not a quantity. */
export function cpuMillicores(input: string | number): number | undefined {
  const q = parseQuantity(input);
  return q ? Number(ceilDiv(q.numerator * 1000n, q.denominator)) : undefined;
}

/** Memory/storage quantity (bytes) → whole MiB, rounded up; the `m` suffix is refused (§1.2). */
export function memoryMib(input: string | number): number | undefined {
  const q = parseQuantity(input);
  if (!q || q.suffix === 'm') return undefined;
  return Number(ceilDiv(q.numerator, q.denominator * MIB));
}

/** Memory quantity → exact whole bytes (rounded up), for figures reported as decimal byte strings. */
export function memoryBytes(input: string | number): bigint | undefined {
  const q = parseQuantity(input);
  if (!q || q.suffix === 'm') return undefined;
  return ceilDiv(q.numerator, q.denominator);
}

export const formatCpu = (millicores: number) => `${millicores}m`;
export const formatMemory = (mib: number) => `${mib}Mi`;
/** MiB → "<n>Gi" with at most two decimals (rounded up), trailing zeros dropped. */
export const formatStorage = (mib: number) => `${Math.ceil((mib * 100) / 1024) / 100}Gi`;
