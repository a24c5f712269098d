# The two commands a fresh machine needs: `make demo` and `make test`. Everything they use is
# installed by scripts/bootstrap.sh into .local/ (git-ignored).
SHELL := /bin/bash
export PATH := $(CURDIR)/.local/bin:$(PATH)
PNPM := $(CURDIR)/.local/bin/pnpm

.PHONY: setup demo test check typecheck lint stack-up stack-down stack-status clean-stack

setup:
	@scripts/bootstrap.sh

demo: setup
	@$(PNPM) -s junction demo

# Starts the local stack when no KAFKA_BROKERS/SCHEMA_REGISTRY_URL are given (vitest global setup)
# and stops it afterwards if this run started it.
test: setup check
	@$(PNPM) -s test

check: typecheck lint

typecheck: setup
	@$(PNPM) -s typecheck

lint: setup
	@$(PNPM) -s lint

stack-up: setup
	@$(PNPM) -s junction stack up

stack-down: setup
	@$(PNPM) -s junction stack down

stack-status: setup
	@$(PNPM) -s junction stack status
