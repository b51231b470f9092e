#!/usr/bin/env bash
# Start the web app (gunicorn) and the task worker (django-tasks-db) together;
# Ctrl-C stops both. Each runs in its own session (setsid), so the terminal's
# Ctrl-C reaches only this script, which then asks each to stop once, gracefully.
set -u
host=${1:-127.0.0.1}
port=${2:-8000}
venv=.venv/bin

setsid "$venv/gunicorn" kembali.wsgi:application --bind "$host:$port" --workers "${WEB_WORKERS:-2}" \
  --access-logfile - --graceful-timeout 5 &
web=$!
setsid "$venv/python" manage.py db_worker --interval 1 --no-reload &
worker=$!

stop() {
  trap - INT TERM
  echo
  echo "Stopping Kembali..."
  kill -TERM "$web" "$worker" 2>/dev/null
  wait "$web" "$worker" 2>/dev/null
  exit 0
}
trap stop INT TERM

sleep 2
cat <<TXT

  Kembali is running at http://$host:$port/
  API docs: http://$host:$port/api/v1/docs

  Demo logins (password for all: kembali-demo):
TXT
"$venv/python" manage.py demo_users --list
echo
echo "  Press Ctrl-C to stop."
wait -n "$web" "$worker"
stop
