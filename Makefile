# Guichet — developer tasks. `make test` is THE test command (README, .ci/run).

GO            ?= go
STATICCHECK   := honnef.co/go/tools/cmd/staticcheck@v0.8.2
WORKFLOWCHECK := go.temporal.io/sdk/contrib/tools/workflowcheck@v0.6.0
TEST_TIMEOUT  ?= 25m
VERSION       ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: dev test torture lint fmt vet staticcheck workflowcheck bench bench-report build clean-data

## dev: run the embedded default stack (web :8080, Temporal :7233, Temporal UI :8233)
dev:
	$(GO) run . dev

## test: every test, on SQLite and on a throwaway PostgreSQL 15 (browser tests need Chromium)
test:
	.ci/with-postgres $(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...

## torture: the full reliability suite (hundreds of tickets under worker, Temporal and relay
## faults, backup and restore); `make test` runs its reduced form
torture:
	GUICHET_TORTURE=1 $(GO) test -count=1 -timeout 30m -v -run . ./torture/

## lint: gofmt, go vet, staticcheck, workflowcheck
lint: fmt vet staticcheck workflowcheck

fmt:
	@out=$$(find . -name '*.go' -not -path './.git/*' -not -path './data/*' -not -path '*/node_modules/*' -exec gofmt -l {} +); \
	if [ -n "$$out" ]; then echo "gofmt: these files need formatting:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run $(STATICCHECK) ./...

## workflowcheck: Temporal's determinism checker on workflow code
workflowcheck:
	$(GO) run $(WORKFLOWCHECK) ./workflows/...

## bench: benchmarks only
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## bench-report: `guichet bench` on the embedded stack (loopback, temporary data directory);
## writes docs/BENCHMARKS.md and docs/benchmarks.json (flags: BENCH_FLAGS="--profile /tmp/prof")
bench-report:
	$(GO) run . bench $(BENCH_FLAGS)

## build: a static, stripped binary ./guichet
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags="-s -w -X main.version=$(VERSION)" -o guichet .

## clean-data: delete the embedded stack's data directory (./data)
clean-data:
	rm -rf ./data
