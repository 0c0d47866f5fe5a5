# plan-api's web image: gunicorn with production settings (see README, "Deploying").
# It installs the runtime requirements only (requirements.txt; tests add requirements-test.txt, which the build
# never sees) and runs as an unprivileged user who can read the code and write nowhere but /tmp.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=plan_api.settings_production
RUN groupadd --system --gid 10001 plan-api \
    && useradd --system --uid 10001 --gid plan-api --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin plan-api
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs settings but no database connection; a throwaway (strong) key and URL satisfy the settings.
# The code and static files stay root's: readable by everyone, writable by no one else.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DATABASE_URL=postgresql://build@localhost/build python manage.py collectstatic --noinput -v0 \
    && chmod -R a+rX,go-w /app
USER 10001:10001
EXPOSE 8000
ENV HOST=0.0.0.0 PORT=8000
# gunicorn.conf.py (in /app) holds every setting, as under `make prod`.
CMD ["gunicorn"]
