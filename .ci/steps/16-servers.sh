# The event backbone's real servers, from Debian: PostgreSQL 15, nats-server (JetStream with -js) and
# Mosquitto 2. Only the binaries are installed here; each test file starts the servers it needs on a
# random 127.0.0.1 port and stops them by pid (no system service is left running). Under
# FIELDOPS_CI=1 a test that needs a missing binary fails instead of skipping.
need=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql)
command -v nats-server >/dev/null || need+=(nats-server)
command -v mosquitto >/dev/null || need+=(mosquitto)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${need[@]}"
fi
# The Debian packages start system services on install; tests use their own instances.
for svc in postgresql mosquitto nats-server; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$svc" 2>/dev/null; then systemctl stop "$svc" || true; fi
done
pg_ctlcluster 15 main stop 2>/dev/null || true
pkill -x mosquitto 2>/dev/null || true
/usr/lib/postgresql/15/bin/postgres --version
nats-server --version
mosquitto -h | head -1 || true
