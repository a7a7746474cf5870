# One image for the web server, the Celery worker and Celery beat (see docker-compose.yml).
# BASE_IMAGE may be any Debian bookworm image; with no registry, `make images` builds
# taskmill-base:bookworm locally and `docker build --build-arg BASE_IMAGE=taskmill-base:bookworm .` works.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

ENV DEBIAN_FRONTEND=noninteractive PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH TASKMILL_PROFILE=production \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends python3 python3-venv ca-certificates \
      nodejs npm debootstrap docker.io \
 && rm -rf /var/lib/apt/lists/*
# Extra CAs (e.g. a TLS-intercepting proxy's) for pip and npm below: see config/ca-certificates/.
COPY config/ca-certificates/ /usr/local/share/ca-certificates/taskmill/
RUN update-ca-certificates

WORKDIR /srv/taskmill
COPY setup.cfg pyproject.toml README.md ./
COPY app ./app
COPY worker ./worker
COPY flows ./flows
COPY webui ./webui
COPY config ./config
COPY sdk ./sdk
RUN python3 -m venv /opt/venv \
 && pip install --no-cache-dir . \
 && bash webui/build.sh \
 && bash app/introspection/ts/install.sh \
 && rm -rf webui/node_modules

# The web and beat processes run unprivileged; the worker needs the Docker socket's group.
RUN useradd --system --uid 10010 --home /srv/taskmill taskmill
USER taskmill
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--threads", "32", "app.wsgi:app"]
