// `--resolve host:port=host:port`: the spec names site addresses (bkk-01-edge.lan:8080); these
// overrides say where they really are (a VPN address, a tunnel, the demo's loopback sandbox).

/** Maps `host:port` through the overrides (unchanged when none applies). */
export function createSiteMap(overrides: ReadonlyMap<string, string>) {
  const target = (hostPort: string): string => overrides.get(hostPort.toLowerCase()) ?? hostPort;
  return {
    /** `host:port` → `host:port`. */
    target,
    /** For the TCP/UDP health probes. */
    address(host: string, port: number): { host: string; port: number } {
      const t = target(`${host}:${port}`);
      const i = t.lastIndexOf(':');
      return { host: t.slice(0, i), port: Number(t.slice(i + 1)) };
    },
    /** An HTTP URL with its host:port mapped. */
    url(raw: string): string {
      const u = new URL(raw);
      const port = u.port || (u.protocol === 'https:' ? '443' : '80');
      const mapped = overrides.get(`${u.hostname}:${port}`.toLowerCase());
      if (!mapped) return raw;
      const i = mapped.lastIndexOf(':');
      u.hostname = mapped.slice(0, i);
      u.port = mapped.slice(i + 1);
      return u.toString();
    },
  };
}

/** The site map's type. */
export type SiteMap = ReturnType<typeof createSiteMap>;
