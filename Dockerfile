# The one image of the portal: web (gunicorn), Celery worker and beat, and the agency simulators.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_ENV=production \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/data/media

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. The build constraint keeps
# setuptools < 81 for xstatic-bootstrap's build (pip >= 25.3 knows --build-constraint).
COPY requirements.txt requirements-build.txt ./
RUN pip install --upgrade "pip>=25.3" \
    && pip install --build-constraint requirements-build.txt -r requirements.txt

COPY . .

# Production settings refuse to start without a real key and host list; these throw-away values only
# let collectstatic run at build time and are not kept in the image's environment.
RUN DJANGO_SECRET_KEY=build-time-only-collectstatic-key-not-a-secret DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput -v 0

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin egov \
    && mkdir -p /app/var /data/media \
    && chown -R egov:egov /app/var /data
USER egov

EXPOSE 8000
CMD ["gunicorn", "egov.wsgi", "-b", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
