# Kite's command menu. `just` lists it.

set shell := ["bash", "-euo", "pipefail", "-c"]

# Tools (trunk, wasm-bindgen) live outside the clone so every checkout shares them.
cache := env("KITE_CACHE", env("HOME") / ".cache/kite")
tools := cache / "tools"
export PATH := tools / "bin:" + env("HOME") / ".cargo/bin:" + env("PATH")
export KITE_TEST_POSTGRES_URL := env("KITE_TEST_POSTGRES_URL", "postgres://postgres:kite@127.0.0.1:5432/postgres")

default:
    @just --list

# Install what the build needs when it is missing: the wasm target, trunk, wasm-bindgen-cli, ECharts.
setup:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        rustup target add wasm32-unknown-unknown
    fi
    if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
        # trunk 0.22 needs a newer rustc than this project's.
        cargo install trunk --version '~0.21' --locked --root "{{tools}}"
    fi
    # The CLI must match the wasm-bindgen crate in Cargo.lock exactly. No --locked: its
    # lockfile pins a crate that the registry no longer serves.
    want=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')
    if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f2)" != "$want" ]; then
        cargo install wasm-bindgen-cli --version "=$want" --root "{{tools}}"
    fi
    # ECharts, pinned in frontend/package-lock.json; the build checks its checksum.
    if ! (cd frontend && sha256sum --check --strict --status echarts.sha256 2>/dev/null); then
        if ! command -v npm >/dev/null; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm
        fi
        npm ci --prefix frontend --no-audit --no-fund --ignore-scripts --cache "{{cache}}/npm"
    fi

# Build the SPA (release) into frontend/dist, offline.
build-spa: setup
    trunk build --release --offline

# Build everything: the SPA and the server (release).
build: build-spa
    cargo build --release -p kite-server

# The release binary, with the web app embedded: the one file to deploy.
release: build
    #!/usr/bin/env bash
    set -euo pipefail
    binary="${CARGO_TARGET_DIR:-target}/release/kite-server"
    echo "$binary ($(du -h "$binary" | cut -f1)): copy it anywhere and run \`kite-server serve\`"

# Build and run Kite on http://127.0.0.1:8080 with SQLite in ./data (override with KITE_BIND, DATABASE_URL, ...).
run: build
    cargo run --release -p kite-server -- serve

# Run a debug server against the last SPA build, for quick API work.
dev:
    cargo run -p kite-server -- serve

# Make sure a PostgreSQL answers on 127.0.0.1:5432 for the tests, starting (or installing) Debian's when none does.
postgres:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
        if ! command -v pg_ctlcluster >/dev/null; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
        fi
        version=$(ls /etc/postgresql | sort -V | tail -n1)
        pg_ctlcluster --skip-systemctl-redirect "$version" main start
        for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
    # A fresh Debian cluster asks for a password over TCP: give the postgres role the one
    # KITE_TEST_POSTGRES_URL uses. Under trust auth (as on the dev machines) it is ignored.
    if ! psql "$KITE_TEST_POSTGRES_URL" -qAtc 'select 1' >/dev/null 2>&1; then
        runuser -u postgres -- psql -qc "ALTER ROLE postgres PASSWORD 'kite'"
    fi
    # Throw-away databases left by an interrupted earlier run.
    for db in $(psql "$KITE_TEST_POSTGRES_URL" -qAtc "select datname from pg_database where datname like 'kite_test_%'"); do
        psql "$KITE_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"
    done

# Install Debian's Chromium and chromedriver for the browser suite when missing.
browser:
    #!/usr/bin/env bash
    set -euo pipefail
    if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
    fi

# Run every test: unit, API (SQLite and PostgreSQL), the browser suite and the API fuzzer.
test: postgres browser build-spa
    cargo build -p kite-server
    cargo test --workspace --exclude kite-frontend
    just fuzz

# Run only the browser suite (screenshots land in target/e2e-screenshots/).
e2e: browser build-spa
    cargo build -p kite-server
    cargo test -p kite-e2e

# Fuzz the whole API against its own OpenAPI document with Schemathesis (pinned, in a
# virtualenv in the cache), on SQLite and on PostgreSQL: a signed-in admin, a fixed seed,
# `examples` cases per operation. Any server error, undocumented status or content type,
# or response off its schema fails.
fuzz examples="8" seed="20261207" databases="sqlite postgres": postgres
    #!/usr/bin/env bash
    set -euo pipefail
    venv="{{tools}}/schemathesis"
    want=4.32.5
    if [ "$("$venv/bin/schemathesis" --version 2>/dev/null | awk '{print $NF}')" != "$want" ]; then
        if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
        fi
        rm -rf "$venv"
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$want"
    fi
    cargo build -p kite-server
    data=$(mktemp -d)
    server=
    stop() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; }
    trap 'stop; rm -rf "$data"' EXIT
    for database in {{databases}}; do
        rm -rf "${data:?}"/*
        if [ "$database" = postgres ]; then
            psql "$KITE_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS kite_fuzz WITH (FORCE)" -c "CREATE DATABASE kite_fuzz"
            export DATABASE_URL="${KITE_TEST_POSTGRES_URL%/*}/kite_fuzz"
        else
            unset DATABASE_URL
        fi
        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        base="http://127.0.0.1:$port"
        # The fuzzer sends hundreds of requests a second from one address, for minutes.
        KITE_BIND="127.0.0.1:$port" KITE_DATA_DIR="$data" KITE_PUBLIC_URL="$base" RUST_LOG=error \
            KITE_API_RATE_PER_SECOND=1000000 KITE_AUTH_RATE_PER_MINUTE=1000000 KITE_ACCESS_TOKEN_MINUTES=600 \
            "${CARGO_TARGET_DIR:-target}/debug/kite-server" serve &
        server=$!
        for _ in $(seq 1 100); do curl -fs "$base/api/v1/health" >/dev/null && break; sleep 0.2; done
        token=$(curl -fs "$base/api/v1/auth/signup" -H 'content-type: application/json' \
            -d '{"organization_name":"Fuzz Ltd","name":"Fuzz Admin","email":"fuzz@kite.example","password":"fuzzing is believing"}' \
            | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
        echo "== Schemathesis on $database"
        # Schemathesis keeps a cache in its working directory: not in the clone.
        (cd "$data" && "$venv/bin/schemathesis" run "$base/api-docs/openapi.json" \
            --header "Authorization: Bearer $token" \
            --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
            --phases examples,coverage,fuzzing --max-examples {{examples}} --seed {{seed}} \
            --generation-database none --workers 2 --no-color --output-truncate true)
        stop
        server=
    done
    psql "$KITE_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS kite_fuzz WITH (FORCE)"

# Soak test (a benchmark, not CI): a mixed workload (lists, search, the board, creating and
# updating contacts and deals, moves, logged calls, 2,000-row imports one after another,
# and a client provoking the sign-in limit's 429s) at `concurrency` for `minutes` against
# a release server on SQLite, then PostgreSQL, seeded with 10k contacts and 5k deals.
# Reports errors, p99 per route and the server's RSS every 10 s in target/bench/soak.md.
soak minutes="10" concurrency="64" databases="sqlite postgres": postgres
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --release -p kite-server -p kite-bench
    target="${CARGO_TARGET_DIR:-target}"
    mkdir -p "$target/bench"
    report="$target/bench/soak.md"
    echo "# Kite soak test, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores" > "$report"
    export KITE_BIND=127.0.0.1:8092 RUST_LOG=error KITE_DATA_DIR=$(mktemp -d)
    # One client address for everyone: the API limit out of the way, the sign-in limit
    # at its default so the probe meets it; tokens that outlast the run.
    export KITE_API_RATE_PER_SECOND=1000000 KITE_AUTH_RATE_PER_MINUTE=60 KITE_ACCESS_TOKEN_MINUTES=600
    server=
    trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi; rm -rf "$KITE_DATA_DIR"' EXIT
    for database in {{databases}}; do
        rm -rf "${KITE_DATA_DIR:?}"/*
        if [ "$database" = postgres ]; then
            psql "$KITE_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS kite_soak WITH (FORCE)" -c "CREATE DATABASE kite_soak"
            export DATABASE_URL="${KITE_TEST_POSTGRES_URL%/*}/kite_soak"
        else
            unset DATABASE_URL
        fi
        "$target/release/kite-server" seed --contacts 10000 --companies 2000 --deals 5000 --email bench@kite.example
        "$target/release/kite-server" serve &
        server=$!
        for _ in $(seq 1 100); do curl -sf http://127.0.0.1:8092/api/v1/health >/dev/null && break; sleep 0.2; done
        echo "" >> "$report"
        echo "## $database" >> "$report"
        echo "" >> "$report"
        "$target/release/kite-bench" --base-url http://127.0.0.1:8092 --label "$database" \
            --soak-minutes {{minutes}} --concurrency {{concurrency}} --server-pid "$server" | tee -a "$report"
        kill "$server"
        wait "$server" || true
        server=
    done
    psql "$KITE_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS kite_soak WITH (FORCE)"
    echo "Report: $report"

# Size of the SPA's wasm, raw and gzipped.
spa-size: build-spa
    #!/usr/bin/env bash
    set -euo pipefail
    wasm=$(ls frontend/dist/*.wasm)
    echo "raw:  $(stat -c %s "$wasm") bytes"
    echo "gzip: $(gzip -9 -c "$wasm" | wc -c) bytes"

# Formatting and lints, as CI checks them.
lint: setup
    cargo fmt --all --check
    cargo clippy --workspace --exclude kite-frontend --all-targets -- -D warnings
    cargo clippy -p kite-frontend --target wasm32-unknown-unknown -- -D warnings

# Benchmark on 100k contacts, 20k companies and 50k deals, on SQLite and PostgreSQL:
# latency of list, search, board and deal move at concurrency 16, and server memory; the
# analytics endpoints and the default dashboard at concurrency 8 (with 100k activities),
# computed on every request and then cached;
# then, each on a fresh database, importing and exporting `import_rows` contacts (CSV and
# XLSX) and importing `big_rows` from CSV, with the server's peak memory; then a campaign
# to `campaign_recipients` contacts through a fake SendGrid (messages per second).
bench requests="2000" import_rows="100000" big_rows="1000000" campaign_recipients="10000" analytics_requests="400" webhook_messages="2000": postgres
    #!/usr/bin/env bash
    set -euo pipefail
    cargo build --release -p kite-server -p kite-bench
    target="${CARGO_TARGET_DIR:-target}"
    mkdir -p "$target/bench"
    report="$target/bench/report.md"
    echo "# Kite benchmark, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores" > "$report"
    export KITE_BIND=127.0.0.1:8090 RUST_LOG=warn
    # The per-IP limits would stop a load test from one address.
    export KITE_API_RATE_PER_SECOND=1000000 KITE_AUTH_RATE_PER_MINUTE=100000 KITE_MAX_UPLOAD_BYTES=1000000000
    fresh() { # backend contacts companies deals [activities]
        if [ -n "${KITE_DATA_DIR:-}" ]; then rm -rf "$KITE_DATA_DIR"; fi
        export KITE_DATA_DIR=$(mktemp -d)
        if [ "$1" = postgres ]; then
            psql "$KITE_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS kite_bench WITH (FORCE)" -c "CREATE DATABASE kite_bench"
            export DATABASE_URL="${KITE_TEST_POSTGRES_URL%/*}/kite_bench"
            # Over TCP every large statement waits for a delayed ACK (sqlx leaves Nagle's
            # algorithm on): on one host, Kite should reach PostgreSQL by its socket.
            if psql "$DATABASE_URL?host=/var/run/postgresql" -qAtc 'select 1' >/dev/null 2>&1; then
                export DATABASE_URL="$DATABASE_URL?host=/var/run/postgresql"
            fi
        else
            unset DATABASE_URL
        fi
        "$target/release/kite-server" seed --contacts "$2" --companies "$3" --deals "$4" --activities "${5:-0}" \
            --email bench@kite.example
    }
    measure() { # label, kite-bench arguments...
        local label=$1; shift
        "$target/release/kite-server" serve &
        local server=$!
        for _ in $(seq 1 100); do curl -sf http://127.0.0.1:8090/api/v1/health >/dev/null && break; sleep 0.2; done
        "$target/release/kite-bench" --label "$label" "$@" | tee -a "$report"
        echo "" >> "$report"
        echo "Server memory: $(grep -E 'VmHWM' /proc/$server/status | tr -s ' ') peak, $(grep -E 'VmRSS' /proc/$server/status | tr -s ' ') now" | tee -a "$report"
        echo "" >> "$report"
        kill "$server"
        wait "$server" || true
    }
    for backend in sqlite postgres; do
        seed_started=$(date +%s)
        fresh "$backend" 100000 20000 50000 100000
        echo "" >> "$report"
        echo "## $backend (seeded in $(( $(date +%s) - seed_started ))s)" >> "$report"
        measure "$backend" --requests {{requests}} --concurrency 16
        # Computed on every request, then as users get them: kept until records change.
        KITE_ANALYTICS_CACHE=false measure "$backend computed" --analytics --requests {{analytics_requests}} --concurrency 8
        measure "$backend cached" --analytics --requests {{analytics_requests}} --concurrency 8
        measure "$backend" --insights --requests {{analytics_requests}} --concurrency 8
        fresh "$backend" 0 0 0
        measure "$backend" --imports {{import_rows}}
        fresh "$backend" 0 0 0
        measure "$backend" --imports {{big_rows}} --csv-only
        # The bench runs the fake SendGrid the server sends to.
        fresh "$backend" {{campaign_recipients}} 500 0
        SENDGRID_API_KEY=SG.fake-key-for-tests SENDGRID_API_URL=http://127.0.0.1:8091 \
            measure "$backend" --campaign {{campaign_recipients}}
        fresh "$backend" 0 0 0
        KITE_WEBHOOKS_ALLOW_LOOPBACK=true measure "$backend" --webhooks {{webhook_messages}} --concurrency 16
    done
    rm -rf "$KITE_DATA_DIR"
    echo "Report: $report"
