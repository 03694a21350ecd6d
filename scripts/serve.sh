#!/usr/bin/env bash
# `make serve`: production serving. Keys, DATABASE_URL and SMTP come from the environment
# (never from instance/dev.env). Migrates, syncs the roles, then runs gunicorn
# (gunicorn.conf.py) and, unless SCHEDULER=0, one `scheduler run` process beside it; when
# either stops, the other is stopped too. Several instances: see README "Deployment".
set -euo pipefail
cd "$(dirname "$0")/.."
export HULPREGIE_ENV=${HULPREGIE_ENV:-production}
FLASK=(.venv/bin/flask --app run)
"${FLASK[@]}" db upgrade
"${FLASK[@]}" roles sync >/dev/null
pids=()
if [ "${SCHEDULER:-1}" != 0 ]; then
  "${FLASK[@]}" scheduler run &
  pids+=($!)
fi
.venv/bin/gunicorn -c gunicorn.conf.py &
pids+=($!)
trap 'kill -TERM "${pids[@]}" 2>/dev/null || true' TERM INT
status=0
wait -n "${pids[@]}" || status=$?
kill -TERM "${pids[@]}" 2>/dev/null || true
wait || true
exit "$status"
