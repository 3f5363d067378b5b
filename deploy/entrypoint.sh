#!/bin/sh
# The one way into the application's processes, in the container (the image's ENTRYPOINT) and
# on a server without containers alike. The first argument names the process:
#
#   web              serve the site with gunicorn (deploy/gunicorn.conf.py)
#   migrate          bring the database's tables up to date, then stop
#   check            Django's deployment checks; fails on any warning
#   manage ARGS...   any manage.py command, e.g. `manage createsuperuser`
#   worker           run the background jobs (Celery's worker; needs CELERY_BROKER_URL)
#   scheduler        start the daily jobs on time (Celery beat; needs CELERY_BROKER_URL)
#
# Each runs in the foreground as the container's (or the service's) one process: `exec` hands
# it this shell's process id, so that the TERM sent on stopping reaches gunicorn or Django
# itself and it shuts down cleanly. Settings come from the environment (docs/deployment.md).
# PYTHON names the interpreter (default: python3 on the PATH, the image's virtual environment).
set -eu

# manage.py and the gunicorn configuration are named from the checkout's root.
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

usage() {
    cat >&2 <<'USAGE'
Usage: deploy/entrypoint.sh COMMAND [ARGUMENTS...]

  web              serve the site with gunicorn (deploy/gunicorn.conf.py)
  migrate          apply the database migrations, then stop
  check            Django's deployment checks (manage.py check --deploy), failing on warnings
  manage ARGS...   run a manage.py command, e.g. `manage createsuperuser`
  worker           run the background jobs (Celery's worker; needs CELERY_BROKER_URL)
  scheduler        start the daily jobs on time (Celery beat; needs CELERY_BROKER_URL)
USAGE
}

if [ "$#" -eq 0 ]; then
    usage
    exit 64
fi

command="$1"
shift

case "$command" in
    web)
        # Extra arguments go to gunicorn, after (and so over) the configuration file's.
        exec "$PYTHON" -m gunicorn --config deploy/gunicorn.conf.py "$@"
        ;;
    migrate)
        exec "$PYTHON" manage.py migrate --noinput "$@"
        ;;
    check)
        exec "$PYTHON" manage.py check --deploy --fail-level WARNING "$@"
        ;;
    manage)
        exec "$PYTHON" manage.py "$@"
        ;;
    worker | scheduler)
        # Without a broker every job runs in the web process itself (docs/background-jobs.md):
        # a worker or scheduler would have nothing to take jobs from, so it refuses, visibly.
        if [ -z "${CELERY_BROKER_URL:-}" ]; then
            echo "deploy/entrypoint.sh: '$command' needs CELERY_BROKER_URL (e.g. redis://redis:6379/1); without it the jobs run in the web process. See docs/background-jobs.md." >&2
            exit 64
        fi
        if [ "$command" = worker ]; then
            exec "$PYTHON" -m celery -A safer_lewisham worker --loglevel INFO "$@"
        fi
        # beat keeps when each job last ran in a small file: under /tmp (a tmpfs in the
        # container, private under systemd), since nothing else may be written. Losing it on a
        # restart only means the next run is the next one due.
        exec "$PYTHON" -m celery -A safer_lewisham beat --loglevel INFO \
            --schedule "${TMPDIR:-/tmp}/safer-lewisham-beat-schedule" "$@"
        ;;
    *)
        echo "deploy/entrypoint.sh: unknown command '$command'" >&2
        usage
        exit 64
        ;;
esac
