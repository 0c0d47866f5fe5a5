# plan-api's web image: gunicorn with production settings (see README, "Deploying").
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=plan_api.settings_production
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# collectstatic needs settings but no database connection; a throwaway (strong) key and URL satisfy the settings.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DATABASE_URL=postgresql://build@localhost/build python manage.py collectstatic --noinput -v0
EXPOSE 8000
ENV HOST=0.0.0.0 PORT=8000
CMD ["gunicorn"]
