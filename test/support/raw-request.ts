import { request as httpRequest } from 'node:http';

export interface Answer {
  status: number;
  body: { error?: string; message?: string } & Record<string, unknown>;
}

/** Sends exactly this request line: no client-side URL normalisation of `.`, `..` or `%2e`. */
export function raw(
  base: string,
  method: string,
  path: string,
  options: { token?: string; contentType?: string; body?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.contentType) headers['Content-Type'] = options.contentType;
  if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body));
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(`${base}${path}`, { method, headers, path }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => {
        let body: Answer['body'] = {};
        try {
          if (/json/.test(response.headers['content-type'] ?? '')) body = JSON.parse(text) as Answer['body'];
        } catch {
          // Left empty: callers that check the envelope see it missing.
        }
        resolve({ status: response.statusCode!, body });
      });
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}
