#!/usr/bin/env bash
# The production shape's Celery processes from requirements.txt alone: a fresh venv with no development package
# (pytest and friends bring in packages that the runtime needs, and hide a missing pin), the worker and beat
# started against Redis and PostgreSQL, one task sent and seen done, beat seen sending its schedule.
#
#   DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://127.0.0.1:6379/14 scripts/check_runtime_venv.sh
#
# The database is migrated; the broker's Redis database is emptied first (give it a scratch one).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database it may migrate}"
: "${CELERY_BROKER_URL:?set CELERY_BROKER_URL to a scratch Redis database}"
RUNTIME_VENV=${RUNTIME_VENV:-var/runtime-venv}
WAIT_SECONDS=${WAIT_SECONDS:-60}

work=$(mktemp -d)
worker_pid="" beat_pid=""
stop() {
  for pid in $worker_pid $beat_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $worker_pid $beat_pid; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap stop EXIT

fail() {
  echo "FAILED: $1" >&2
  for log in "$work"/*.log; do
    [ -f "$log" ] && { echo "--- $(basename "$log") (last lines)" >&2; tail -n 40 "$log" >&2; }
  done
  exit 1
}

# Waits until the command succeeds or, if given, a background process dies; fails after WAIT_SECONDS.
wait_for() {
  local what=$1 pid=$2
  shift 2
  for _ in $(seq "$WAIT_SECONDS"); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || fail "process $pid exited while waiting for: $what"
    sleep 1
  done
  fail "no $what within ${WAIT_SECONDS} s"
}

echo "runtime venv: $RUNTIME_VENV from requirements.txt only"
rm -rf "$RUNTIME_VENV"
"$(scripts/find-python)" -m venv "$RUNTIME_VENV"
py="$RUNTIME_VENV/bin/python"
"$py" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$py" -m pip install --quiet --disable-pip-version-check --build-constraint requirements-build.txt -r requirements.txt
if "$py" -c 'import pytest' 2>/dev/null; then fail "a development package is in the runtime venv"; fi

# Production settings, with throw-away secrets and an SMTP mailer that is never used: the processes then run
# the start-up checks that refuse a misconfigured production.
export DJANGO_ENV=production
export DJANGO_SECRET_KEY DJANGO_ALLOWED_HOSTS=localhost VAR_DIR="$work/var"
DJANGO_SECRET_KEY=$("$py" -c 'import secrets; print(secrets.token_urlsafe(50))')
export INTERCONNECT_POLICE_SECRET=runtime-check-police-secret INTERCONNECT_SOCIAL_INSURANCE_SECRET=runtime-check-si-secret
export EMAIL_URL=smtp://127.0.0.1:25 SMS_BACKEND=locmem
mkdir -p "$VAR_DIR"

"$py" -c 'import os, redis; redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).flushdb()'
"$py" manage.py migrate --noinput -v 0

celery=("$RUNTIME_VENV/bin/celery" -A egov)
"${celery[@]}" worker --loglevel=INFO --concurrency=1 --hostname="runtime-check@%h" >"$work/worker.log" 2>&1 &
worker_pid=$!
"${celery[@]}" beat --loglevel=INFO --schedule="$work/celerybeat-schedule" >"$work/beat.log" 2>&1 &
beat_pid=$!

wait_for "worker answering ping" "$worker_pid" "${celery[@]}" inspect ping --timeout 1
echo "worker answers ping"

task_id=$("${celery[@]}" call reporting.tasks.rollups_refresh)
wait_for "task $task_id done" "$worker_pid" grep -q "rollups_refresh\[$task_id\] succeeded" "$work/worker.log"
echo "worker ran a task sent through Redis: $task_id"

# Beat's shortest period is 30 s: the first sending comes then.
wait_for "beat sending" "$beat_pid" grep -q "Scheduler: Sending due task" "$work/beat.log"
echo "beat sends its schedule"

if grep -E -q "Traceback|ERROR|CRITICAL" "$work/worker.log" "$work/beat.log"; then fail "an error in the logs"; fi
echo "runtime venv check passed"
