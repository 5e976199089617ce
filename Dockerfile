# newsbot in a container. Build: docker build -t newsbot .   With PostgreSQL: compose.yaml.
# tests/test_install.py runs this file's COPY and install steps, its CMD and its HEALTHCHECK
# in a fresh venv, so keep them plain: one COPY per path, one RUN that installs.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/newsbot \
    PATH=/opt/newsbot/bin:$PATH \
    HEALTH_PORT=8080

# The offline English-Norwegian lexicon, WordNet's English base forms and an English word
# list behind cross-language answers (LEXICON_PATHS), and the Nynorsk-Bokmål dictionary
# (NYNORSK_LEXICON); Debian's packages of the base image.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends dict-freedict-eng-nor dict-freedict-nno-nob wordnet-base wamerican \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY adapters adapters
COPY storage storage
# The pip that `python -m venv` brings, not upgraded: the install a user gets.
RUN python -m venv "$VIRTUAL_ENV" \
    && "$VIRTUAL_ENV/bin/pip" install --no-cache-dir .

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin newsbot \
    && mkdir /data \
    && chown newsbot /data
USER 10001
# Without DATABASE_URL the SQLite file is /data/newsbot.db: mount a volume there to keep it.
WORKDIR /data
VOLUME ["/data"]

# Slack's HTTP mode listens on PORT (3000); /healthz and /metrics on HEALTH_PORT.
EXPOSE 3000 8080
# Healthy while GET http://127.0.0.1:${HEALTH_PORT}/healthz answers 2xx (503 or no answer: not).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['HEALTH_PORT'] + '/healthz', timeout=4)"]
CMD ["newsbot", "run"]
