/** A tiny cookie-keeping HTTP client over fetch, for benchmarks and process-level tests. */
export type HttpClient = {
  request(url: string, init?: RequestInit): Promise<Response>;
  csrf(url: string): Promise<string>;
  postForm(url: string, fields: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  cookieHeader(): string;
};

export function httpClient(base: string, fixedHeaders: Record<string, string> = {}): HttpClient {
  const cookies = new Map<string, string>();
  const cookieHeader = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const request = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(base + url, {
      ...init,
      redirect: 'manual',
      headers: { ...fixedHeaders, ...(init.headers as Record<string, string>), cookie: cookieHeader() },
    });
    for (const header of response.headers.getSetCookie()) {
      const pair = header.split(';')[0]!;
      const equals = pair.indexOf('=');
      cookies.set(pair.slice(0, equals), pair.slice(equals + 1));
    }
    return response;
  };
  return {
    request,
    cookieHeader,
    csrf: async (url) => /name="_csrf" value="([^"]+)"/.exec(await (await request(url)).text())?.[1] ?? '',
    postForm: (url, fields, headers = {}) =>
      request(url, {
        method: 'POST',
        body: new URLSearchParams(fields),
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      }),
  };
}
