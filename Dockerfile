# The action-plan tracker's image: one image for every process (web, migrate, check, manage),
# chosen by the argument given to deploy/entrypoint.sh. See docs/deployment.md, "The deployment
# kit". Images are named without a registry host: the builder's own configuration says where
# they come from (a council's mirror, say).

# --- The stylesheet: GOV.UK Frontend compiled with Sass, as `make assets` does -----------------
FROM node:20-bookworm-slim AS assets
WORKDIR /build
# The versions pinned in package-lock.json, nothing newer.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static/scss static/scss
RUN npm run --silent build:css

# --- The application ----------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

# Production unless said otherwise: with DEBUG off the app refuses to start without a SECRET_KEY,
# and answers no host outside ALLOWED_HOSTS, rather than running with the local defaults.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DEBUG=false \
    MEDIA_ROOT=/app/media \
    PORT=8000

# PostgreSQL's client programs, for deploy/backup.py and deploy/restore.py (pg_dump, pg_restore):
# Debian's, of the same major version as the compose file's server. Debian's security updates
# are what the image should get, so the version is not pinned.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
WORKDIR /app

# The dependencies first, from pyproject.toml (every one pinned exactly), so that a change to
# the code alone does not reinstall them. Its `packages = []` installs no code: the app runs
# from /app, as from a checkout.
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .

COPY . .
# The compiled stylesheet and GOV.UK Frontend's fonts, images and JavaScript, where
# settings.STATICFILES_DIRS looks for them.
COPY --from=assets /build/static/build/ static/build/
COPY --from=assets /build/node_modules/govuk-frontend/dist/govuk/ node_modules/govuk-frontend/dist/govuk/

# The static files with hashed, compressed names, into STATIC_ROOT (/app/staticfiles), for
# WhiteNoise. Settings refuse to load without a SECRET_KEY when DEBUG is off, so this one step
# is given a throwaway one: collectstatic signs nothing, and the key is set in this command's
# environment only, never in the image's.
RUN SECRET_KEY=collectstatic-at-build-time-only python manage.py collectstatic --noinput -v0

# Runs as a user of its own, by number so that orchestrators that insist on a non-root user
# (Kubernetes' runAsNonRoot) can tell. The code and static files stay root's, so the app cannot
# change them; only the uploads folder (MEDIA_ROOT, a volume in compose.yaml) is its to write.
RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app \
    && mkdir -p /app/media \
    && chown app:app /app/media
USER 10001:10001

EXPOSE 8000
# Alive means /healthz answers 200 (deploy/healthcheck.py, standard library only).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/deploy/healthcheck.py"]

ENTRYPOINT ["deploy/entrypoint.sh"]
CMD ["web"]
