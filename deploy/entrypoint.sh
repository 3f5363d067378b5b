#!/bin/sh
# The one way into the application's processes, in the container (the image's ENTRYPOINT) and
# on a server without containers alike. The first argument names the process:
#
#   web              serve the site with gunicorn (deploy/gunicorn.conf.py)
#   migrate          bring the database's tables up to date, then stop
#   check            Django's deployment checks; fails on any warning
#   manage ARGS...   any manage.py command, e.g. `manage createsuperuser`
#   worker           } background jobs: not yet, see below
#   scheduler        }
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
  worker           background jobs: not available yet (issue 15 point 3)
  scheduler        scheduled jobs: not available yet (issue 15 point 3)
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
        # Not a stub pretending to work: there is no job queue yet. Background jobs (and the
        # scheduler that starts the daily ones) arrive with Celery in issue 15 point 3; until
        # then the daily update round runs from cron (docs/update-round.md). Refusing, with a
        # non-zero status, means a service defined too early fails visibly rather than idling.
        echo "deploy/entrypoint.sh: '$command' is not available yet: background jobs arrive with Celery (issue 15 point 3). Until then run the daily update round from cron: see docs/update-round.md." >&2
        exit 64
        ;;
    *)
        echo "deploy/entrypoint.sh: unknown command '$command'" >&2
        usage
        exit 64
        ;;
esac
