# The index of habits: each target is a line or two.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := test

GO ?= go
# BENCH selects benchmarks, e.g. make bench BENCH=Append
BENCH ?= .

.PHONY: test lint bench fmt crash-long schema run build cross web

# DATA is where make run keeps its data; ADDR where it listens.
DATA ?= palabre-data
ADDR ?= 127.0.0.1:8080

## build: the binary, bin/palabre
build:
	$(GO) build -o bin/palabre ./cmd/palabre

## cross: vet for Windows and 32-bit ARM, then the binaries for the field: a Windows laptop, a Raspberry Pi as the office server, 64-bit or 32-bit (CI runs it; make build stays quick for make run)
cross:
	GOOS=windows GOARCH=amd64 $(GO) vet ./...
	GOOS=linux GOARCH=arm GOARM=7 $(GO) vet ./...
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 $(GO) build -o bin/palabre-windows-amd64.exe ./cmd/palabre
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -o bin/palabre-linux-arm64 ./cmd/palabre
	CGO_ENABLED=0 GOOS=linux GOARCH=arm GOARM=7 $(GO) build -o bin/palabre-linux-armv7 ./cmd/palabre

## run: build, load demo data into an empty $(DATA), make a token per role (valid one day), serve on $(ADDR)
run: build
	@test -d $(DATA) || ./bin/palabre demo --data $(DATA)
	@tok() { ./bin/palabre token create --data $(DATA) --expires 1d "$$@"; }; \
	admin=$$(tok --role admin --subject make-run-admin); \
	printf '\npalabre: http://%s  (the web app; GraphiQL at http://%s/graphiql, the API at /graphql)\n' '$(ADDR)' '$(ADDR)'; \
	printf 'tokens, valid one day (paste one into the web app; for GraphiQL, into its Headers tab):\n'; \
	printf '  admin:                 %s\n' "$$admin"; \
	printf '  facilitator (gao):     %s\n' "$$(tok --role facilitator --region gao --subject make-run-gao)"; \
	printf '  advocacy lead:         %s\n' "$$(tok --role advocacy --subject make-run-advocacy)"; \
	printf '  analyst:               %s\n' "$$(tok --role analyst --subject make-run-analyst)"; \
	printf 'try:\n  curl -s http://%s/graphql -H "Authorization: Bearer %s" -H "Content-Type: application/json" \\\n    -d '"'"'{"query":"{ me { role } spaces(first: 3) { edges { node { name region } } } }"}'"'"'\n\n' '$(ADDR)' "$$admin"; \
	exec ./bin/palabre serve --data $(DATA) --addr $(ADDR)

## test: every test, including the conformance suite, crash and fault tests and the fuzz seed corpora
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...

## lint: formatting, vet, the layers (no package depends on a layer above it), no tracked file over 5 MB, no function over 100 lines
lint:
	@test -z "$$(gofmt -l .)" || { echo "not gofmt-formatted:"; gofmt -l .; exit 1; }
	$(GO) vet ./...
	$(GO) run ./cmd/layercheck

## bench: the benchmarks, recorded in docs/BENCHMARKS.md (BenchmarkServerAtScale skips unless PALABRE_BENCH_EVENTS is set: it serves 1M-5M demo events for minutes; see there)
bench:
	$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -benchtime 2s ./...

## crash-long: the crash test with 1,000 kill cycles
crash-long:
	PALABRE_CRASH_CYCLES=1000 $(GO) test -run TestCrash -timeout 3h -v ./events/pebblestore/

## schema: regenerate schema/events and schema/schema.graphql from the code (a test fails when they drift)
schema:
	$(GO) test ./schema -run 'TestEventSchemasMatchTheGoTypes|TestGraphQLSchemaMatchesTheCode' -update

## web: rebuild the web app's bundle (web/dist, committed) from web/src; needs Node and npm
web:
	cd web && npm ci --no-audit --no-fund && npm run build

fmt:
	gofmt -w .
