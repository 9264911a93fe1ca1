#!/usr/bin/env bash
# Time from starting the installed launcher to its window on screen: one cold start with a fresh home folder (the
# sample is copied, PyTorch's natives unpacked) and WARM warm starts after it, under Xvfb.
#
#   installer/src/test/sh/measure-start.sh [LAUNCHER]      (default /opt/grpowb/bin/grpowb; WARM=2)
#
# "On screen" is when xdotool first finds a visible window titled "GRPO Workbench ...": JavaFX maps the stage once its
# first frame is laid out, so this is the wait a user sees. Needs xvfb-run and xdotool (apt-get install xvfb xdotool).
# SHOT=file.png also saves a screenshot of the last start (ImageMagick's import).
set -euo pipefail
launcher="$(realpath "${1:-/opt/grpowb/bin/grpowb}")"
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1600x1000x24" "$0" "$launcher"
fi
command -v xdotool >/dev/null 2>&1 || { echo "measure-start: needs xdotool" >&2; exit 1; }
home="$(mktemp -d /tmp/grpowb-start.XXXXXX)"
trap 'rm -rf "$home"' EXIT
now() { date +%s.%N; }

start_once() {
  local label="$1" t0 t1 pid
  t0="$(now)"
  HOME="$home" JAVA_TOOL_OPTIONS="-Duser.home=$home" "$launcher" >"$home/app.log" 2>&1 &
  pid=$!
  # --sync waits until a window matches; a cap, so that a launcher that dies does not hang this script
  if ! timeout 180 xdotool search --sync --onlyvisible --name "^GRPO Workbench" >/dev/null; then
    echo "measure-start: no window within 180 s; the app said:" >&2
    tail -20 "$home/app.log" >&2
    kill "$pid" 2>/dev/null || true
    exit 1
  fi
  t1="$(now)"
  awk -v a="$t0" -v b="$t1" -v l="$label" 'BEGIN { printf "%s start: window after %.1f s\n", l, b - a }'
  sleep 3
  if [ -n "${SHOT:-}" ]; then import -window root "$SHOT"; fi
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

start_once cold
for i in $(seq 1 "${WARM:-2}"); do start_once "warm $i"; done
