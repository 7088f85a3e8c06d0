#!/usr/bin/env bash
# Set up dsim on a Debian machine as root: Docker engine, debootstrap, git, chromium, a virtualenv
# with dsim installed, a running dockerd, and the offline-built base image. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${DSIM_VENV:-.venv}

need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v git >/dev/null || need+=(git)
# Headless Chromium renders the HTML reports in the tests (screenshots, console errors); a font
# package makes sure its screenshots have text on a minimal machine.
command -v chromium >/dev/null || need+=(chromium fonts-dejavu-core)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql)  # tests run the store on PostgreSQL
# The queue's broker: tests start their own redis-server on a free loopback port.
command -v redis-server >/dev/null || need+=(redis-server)
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd"
  nohup dockerd >/var/log/dsim-dockerd.log 2>&1 &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "setup: dockerd did not come up; see /var/log/dsim-dockerd.log" >&2; tail -20 /var/log/dsim-dockerd.log >&2; exit 1; }
fi

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check -e ".[dev]"

echo "setup: building images (offline; the base takes about a minute the first time)"
"$VENV/bin/dsim" images build
"$VENV/bin/dsim" doctor
