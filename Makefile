# Easel's entry points. `make run` and `make test` install what is missing.
.DEFAULT_GOAL := help
.PHONY: help run test build dev e2e standins run-standins sqlx-prepare db-stop

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

run: ## Build and serve the studio at http://127.0.0.1:3000 (embedded Postgres in ./data)
	./scripts/setup.sh run
	cargo leptos build --release --precompress
	./target/release/easel serve

test: ## Run every test: unit, Postgres integration, Playwright in Chromium
	./scripts/test.sh

build: ## Build the release site and server
	./scripts/setup.sh run
	cargo leptos build --release --precompress

dev: ## Serve a debug build that rebuilds on save
	./scripts/setup.sh run
	cargo leptos watch

standins: ## Serve the backends' stand-ins on loopback and print the settings for them
	cargo run --release -p easel-standins --bin easel-standins

run-standins: ## Serve the studio with every backend pointed at its stand-in (try the UI offline)
	./scripts/run-standins.sh

e2e: ## Only the browser tests, against the last release build
	./scripts/setup.sh test
	cd end2end && npx playwright test

sqlx-prepare: ## Regenerate .sqlx/ after changing a query or a migration
	./scripts/sqlx-prepare.sh

db-stop: ## Stop the development database that sqlx-prepare started
	cargo run --quiet -p easel-embedded-pg --bin easel-pg -- --data-dir target/dev-pg stop
