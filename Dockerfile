FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpango-1.0-0 libpangoft2-1.0-0 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir -e .
EXPOSE 8000
CMD ["modellake", "serve", "--host", "0.0.0.0", "--port", "8000"]
