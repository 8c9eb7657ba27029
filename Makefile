# Roch Events platform. The two commands a teammate needs: `make dev` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# System packages the project needs (Debian names). `make deps` installs the missing ones.
APT_PACKAGES := libpq-dev libcmark-gfm-dev libcmark-gfm-extensions-dev libcurl4-openssl-dev libssl-dev libqrencode-dev \
	postgresql postgresql-contrib nginx-light fcgiwrap chromium chromium-driver hugo wrk \
	python3-venv openssl systemd libcairo2-dev libpango1.0-dev fonts-noto-core poppler-utils qpdf prometheus unzip
# axe-selenium-python: axe-core in the browser tests; moto[server]: a real S3-compatible server on loopback.
PY_PACKAGES := selenium==4.27.1 pytest axe-selenium-python==2.1.6 'moto[server]==5.1.18' icalendar==6.1.0

DATA_DIR   ?= $(CURDIR)/.data
PG_PORT    ?= 54329
PORT       ?= 8080
SWIFT_BUILD_FLAGS ?=
BIN        := $(CURDIR)/.build/debug
RELEASE_BIN := $(CURDIR)/.build/release
VENV       := $(CURDIR)/.build/venv

# A DATABASE_URL in the environment (or .env) wins; otherwise the private cluster under .data/.
-include .env
export
PRIVATE_DB_URL = $(shell scripts/pg.sh url $(DATA_DIR) $(PG_PORT))

.PHONY: help deps build release dev test test-unit test-e2e bench fuzz db db-url db-stop seed site clean

help:
	@echo "make dev     install what is missing, start PostgreSQL under .data/, migrate, seed, build the site,"
	@echo "             run the dev server and the worker on http://127.0.0.1:$(PORT)"
	@echo "make test    install what is missing and run every test against a throwaway PostgreSQL"
	@echo "make bench   performance figures (site build vs Hugo, functions via nginx, database vs pgbench)"
	@echo "make fuzz    run the libFuzzer targets for a bounded time"
	@echo "make db | db-url | db-stop | seed | site | build | release | clean"

deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  if [ "$$(id -u)" != 0 ]; then SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@if [ ! -x $(VENV)/bin/python ] || ! $(VENV)/bin/python -c 'import selenium, pytest, axe_selenium_python, moto.server, icalendar' 2>/dev/null; then \
	  echo "installing python test tools into $(VENV)"; \
	  python3 -m venv $(VENV) && $(VENV)/bin/pip install -q $(PY_PACKAGES); \
	fi

build: deps
	swift build $(SWIFT_BUILD_FLAGS)

# Release functions link the Swift runtime statically: CGI start-up drops from ~6 ms to ~3 ms.
release: deps
	swift build -c release --static-swift-stdlib $(SWIFT_BUILD_FLAGS)

db: deps build
	@if [ -z "$${DATABASE_URL:-}" ]; then scripts/pg.sh start $(DATA_DIR) $(PG_PORT); fi
	@DATABASE_URL="$${DATABASE_URL:-$(PRIVATE_DB_URL)}" $(BIN)/roch migrate

db-url:
	@echo "$${DATABASE_URL:-$(PRIVATE_DB_URL)}"

db-stop:
	@scripts/pg.sh stop $(DATA_DIR)

seed: db
	@DATABASE_URL="$${DATABASE_URL:-$(PRIVATE_DB_URL)}" $(BIN)/roch seed --demo-sign-in

site: build
	$(BIN)/roch build

dev: db seed site
	@DATABASE_URL="$${DATABASE_URL:-$(PRIVATE_DB_URL)}" scripts/dev.sh

test: deps
	@scripts/test.sh

bench: deps
	@scripts/bench.sh

fuzz: deps
	@scripts/fuzz.sh

clean:
	rm -rf .build public test-output
