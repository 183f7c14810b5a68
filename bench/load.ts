import autocannon from 'autocannon';

export type LoadResult = { rps: number; p50_ms: number; p99_ms: number; requests: number; non2xx: number; errors: number };

export type LoadOptions = {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Builds each request (so every POST can differ: body, path, headers). */
  setupRequest?: (request: autocannon.Request, context: Record<string, unknown>) => autocannon.Request;
  /** Sees every response with its connection's context (to count what the app acknowledged). */
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
  connections?: number;
  durationSeconds?: number;
  warmupSeconds?: number;
};

function once(options: LoadOptions, seconds: number): Promise<autocannon.Result> {
  const { url, method = 'GET', headers = {}, setupRequest, onResponse, connections = 50 } = options;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        requests: [
          {
            method,
            headers,
            ...(setupRequest
              ? {
                  setupRequest: (request: autocannon.Request, context: object) => setupRequest(request, context as Record<string, unknown>),
                }
              : {}),
            ...(onResponse
              ? {
                  onResponse: (status: number, body: string, context: object) =>
                    onResponse(status, body, context as Record<string, unknown>),
                }
              : {}),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** Drives `url` from this process (a second process to the app) after a warm-up; loopback only. */
export async function measure(options: LoadOptions): Promise<LoadResult> {
  if (!/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(options.url)) throw new Error('load is only ever sent to loopback');
  if (options.warmupSeconds !== 0) await once(options, options.warmupSeconds ?? 2);
  const result = await once(options, options.durationSeconds ?? 10);
  return {
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
