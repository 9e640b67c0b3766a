# One image for every replica: `python bot.py webhook` (default) or any other bot.py command.
# The build runs scripts/install.sh — the same install step as `make test` and CI.
FROM python:3.11-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY scripts ./scripts
COPY embeddings ./embeddings
COPY knowledge ./knowledge
COPY jobs ./jobs
COPY bot ./bot
COPY bot.py ./
COPY data ./data
RUN PYTHON=python3 scripts/install.sh /opt/venv \
 && useradd --system --home /data ikz && mkdir -p /data /index-store && chown ikz /data /index-store

ENV PATH=/opt/venv/bin:$PATH \
    IKZ_DATA_DIR=/data \
    IKZ_WEBHOOK_LISTEN=0.0.0.0 \
    IKZ_WEBHOOK_PORT=8443 \
    HF_HUB_OFFLINE=1 \
    PYTHONUNBUFFERED=1
USER ikz
VOLUME ["/data"]
EXPOSE 8443
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s \
  CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8443/healthz', timeout=4).status != 200)"
ENTRYPOINT ["python", "bot.py"]
CMD ["webhook"]
