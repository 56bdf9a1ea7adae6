# The index of habits: each target is a line or two.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

GO ?= go
# BENCH selects benchmarks, e.g. make bench BENCH=Append
BENCH ?= .

.PHONY: test lint bench fmt crash-long schema

## test: every test, including the conformance suite, crash and fault tests and the fuzz seed corpora
test:
	$(GO) vet ./...
	$(GO) test -race -timeout 20m ./...

## lint: formatting and vet
lint:
	@test -z "$$(gofmt -l .)" || { echo "not gofmt-formatted:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

## bench: the benchmarks, recorded in docs/BENCHMARKS.md
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -benchtime 2s ./...

## crash-long: the crash test with 1,000 kill cycles
crash-long:
	PALABRE_CRASH_CYCLES=1000 $(GO) test -run TestCrash -timeout 3h -v ./events/pebblestore/

## schema: regenerate schema/events from the Go event types (a test fails when they drift)
schema:
	$(GO) test ./schema -run TestEventSchemasMatchTheGoTypes -update

fmt:
	gofmt -w .
