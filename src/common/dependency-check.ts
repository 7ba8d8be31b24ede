/** One entry of `/health` checks (api-contract §3.13). */
export interface DependencyCheck {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

const CHECK_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs `probe` with the contract's 2 s limit and reports its latency and, on failure, why. */
export async function checkDependency(
  probe: () => Promise<unknown>,
  describeError: (error: unknown) => string = (error) => (error as Error).message,
): Promise<DependencyCheck> {
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  try {
    await withTimeout(probe(), CHECK_TIMEOUT_MS);
    return { status: 'up', latencyMs: latencyMs() };
  } catch (error) {
    return { status: 'down', latencyMs: latencyMs(), error: describeError(error) };
  }
}

/** Driver messages may quote the connection string, password included. */
export function redactConnectionStrings(text: string): string {
  return text.replace(/postgres(ql)?:\/\/\S+/g, '<database>');
}
