#!/bin/sh
# Runs a command inside a fresh network namespace that has only the loopback interface, so no
# WebRTC (ICE) traffic can leave 127.0.0.1. Needs root and unshare(1); without them the command runs
# in the normal network with a warning (Chromium then also gathers candidates on other interfaces).
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 && unshare -n true 2>/dev/null; then
  exec unshare -n sh -c 'ip link set lo up && exec "$@"' sh "$@"
fi
echo "loopback.sh: no network namespace (needs root and unshare); running in the normal network" >&2
exec "$@"
