/** The few API calls the bench makes outside the load generator, over real HTTP. */
export class Api {
  constructor(readonly baseUrl: string) {}

  async json(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  async login(email: string, password: string): Promise<string> {
    const { status, body } = await this.json('POST', '/api/auth/login', { body: { email, password } });
    const token = (body as { accessToken?: unknown } | undefined)?.accessToken;
    if (status !== 200 || typeof token !== 'string') throw new Error(`login as ${email} answered ${status}`);
    return token;
  }

  /**
   * Whether the server has a route at this path (anything but 404), to skip scenarios whose
   * routes are not built yet. Stops reading after the headers, so a stream is fine to probe.
   */
  async routeExists(path: string, token: string): Promise<boolean> {
    const controller = new AbortController();
    const response = await fetch(`${this.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    controller.abort();
    return response.status !== 404;
  }
}
