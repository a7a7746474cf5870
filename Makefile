# Taskmill — `make run` starts the product with embedded defaults; `make test` runs the suite
# against real Postgres, Redis, Celery workers, Docker containers and headless Chromium.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test install system assets images services prod-image bench clean

run: install assets  ## start web, worker and beat on http://localhost:8000
	$(VENV)/bin/taskmill run

test: system install assets services images  ## everything, against real services
	$(PY) -m pytest $(PYTEST_ARGS)

$(STAMP): setup.cfg pyproject.toml sdk/pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]" -e "sdk[progress]"
	touch $(STAMP)

install: $(STAMP)

system:  ## Debian packages the tests need (chromium, docker.io, debootstrap, postgres, redis)
	bash scripts/install-system.sh

assets:  ## bundle the dashboard's JavaScript (CodeMirror 6) with esbuild; install the TS parser
	bash webui/build.sh
	bash app/introspection/ts/install.sh

services:  ## start Postgres, Redis and dockerd when they are down
	bash scripts/services.sh

# Images trust the host's CA bundle unless told otherwise (npm and apt behind a TLS proxy).
images: export TASKMILL_CA_BUNDLE ?= $(wildcard /etc/ssl/certs/ca-certificates.crt)
images: install  ## build the runner images (no registry needed)
	$(PY) -m worker.images.build

prod-image:  ## the production image (Dockerfile); BASE_IMAGE=taskmill-base:bookworm builds with no registry
	if [ -n "$$TASKMILL_CA_BUNDLE" ]; then cp "$$TASKMILL_CA_BUNDLE" config/ca-certificates/build-host.crt; fi
	docker build --network host $(if $(BASE_IMAGE),--build-arg BASE_IMAGE=$(BASE_IMAGE)) -t taskmill:latest .

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) webui/node_modules webui/static/dist var app/introspection/ts/node_modules
