# The two commands a fresh machine needs: `make demo` and `make test`. Everything they use is
# installed by scripts/bootstrap.sh into .local/ (git-ignored).
SHELL := /bin/bash
export PATH := $(CURDIR)/.local/bin:$(PATH)
PNPM := $(CURDIR)/.local/bin/pnpm

.PHONY: setup demo test check typecheck lint format-check stack-up stack-down stack-status clean-stack

setup:
	@scripts/bootstrap.sh

demo: setup
	@$(PNPM) -s junction demo

# Starts the local stack when no KAFKA_BROKERS/SCHEMA_REGISTRY_URL are given (vitest global setup)
# and stops it afterwards if this run started it.
test: setup check
	@$(PNPM) -s test

check: typecheck lint format-check

typecheck: setup
	@$(PNPM) -s typecheck

lint: setup
	@$(PNPM) -s lint

# prettier --check over the paths that are formatted so far (package.json's format:check lists them);
# it grows to the whole repository as the rest is formatted
format-check: setup
	@$(PNPM) -s format:check

stack-up: setup
	@$(PNPM) -s junction stack up

stack-down: setup
	@$(PNPM) -s junction stack down

stack-status: setup
	@$(PNPM) -s junction stack status
