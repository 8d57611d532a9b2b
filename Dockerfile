# One image for every role: the web app (gunicorn + whitenoise), the scheduled reminders and
# one-off management commands. See docs/deployment.md.

# Front-end assets from npm, pinned by package-lock.json (never committed to git).
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UHBPLAN_ENV_FILE=
# Pango for WeasyPrint (the board report PDF); the PostgreSQL client for pg_dump backups.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md requirements.lock ./
# Exactly the locked versions, each checked against its hash; then the project, with no
# dependency resolved outside the lock.
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
RUN pip install --no-cache-dir --no-deps .
COPY --from=assets /app/node_modules ./node_modules
# Static files are collected at build time, so every container serves the same manifest.
RUN SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --no-input -v0
RUN useradd --system --uid 10001 uhbplan && chown -R uhbplan /app/staticfiles
USER uhbplan
EXPOSE 8000
# Workers × threads: see "How to size it" in docs/deployment.md.
CMD ["gunicorn", "uhbplan.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--threads", "2", "--graceful-timeout", "30", "--access-logfile", "-"]
