#!/usr/bin/env bash
# PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379: started if they do not answer (used by .ci/run and by
# `python3 dev.py prod`). Exit 1 if PostgreSQL still does not answer; Redis is reported, not required.
set -uo pipefail
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! (redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG); then
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
  for _ in $(seq 1 10); do redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL non risponde su 127.0.0.1:5432"; exit 1; }
redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG || echo "Redis non risponde su 127.0.0.1:6379"
exit 0
