import { SecretError } from '@fieldops/core/secrets';

/** GETs JSON from a secrets service; maps failures to SecretError without echoing bodies. */
export async function getJson(
  fetchImpl: typeof fetch,
  url: string,
  headers: Record<string, string>,
  what: { provider: string; ref: string; signal?: AbortSignal | undefined },
): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetchImpl(url, { method: 'GET', headers, ...(what.signal ? { signal: what.signal } : {}) });
  } catch (cause) {
    throw new SecretError('secret_provider_unavailable', `${what.provider} is unreachable for ${what.ref}`, {
      ref: what.ref,
      cause,
    });
  }
  if (res.status === 404) {
    await res.text().catch(() => '');
    return { status: 404, body: undefined };
  }
  if (!res.ok) {
    await res.text().catch(() => '');
    throw new SecretError(
      'secret_provider_failed',
      `${what.provider} answered ${res.status} for ${what.ref}`,
      { ref: what.ref, status: res.status },
    );
  }
  try {
    return { status: res.status, body: await res.json() };
  } catch (cause) {
    throw new SecretError('secret_provider_failed', `${what.provider} sent invalid JSON for ${what.ref}`, {
      ref: what.ref,
      cause,
    });
  }
}
