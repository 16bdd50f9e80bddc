# Guichet — developer tasks. `make test` is THE test command (README, .ci/run).

GO            ?= go
STATICCHECK   := honnef.co/go/tools/cmd/staticcheck@v0.8.2
WORKFLOWCHECK := go.temporal.io/sdk/contrib/tools/workflowcheck@v0.6.0
GOSEC         := github.com/securego/gosec/v2/cmd/gosec@v2.30.0
TEST_TIMEOUT  ?= 25m
VERSION       ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)

.PHONY: dev test torture upgrade-drill lint fmt vet staticcheck workflowcheck gosec bench bench-report build clean-data

## dev: run the embedded default stack (web :8080, Temporal :7233, Temporal UI :8233)
dev:
	$(GO) run . dev

## test: every test, on SQLite and on a throwaway PostgreSQL 15 (browser tests need Chromium)
test:
	.ci/with-postgres $(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...

## torture: the full reliability suite (hundreds of tickets under worker, Temporal and relay
## faults, SIGKILLed worker and web processes, PostgreSQL stopped 20 s, backup and restore);
## `make test` runs its reduced form
torture:
	GUICHET_TORTURE=1 $(GO) test -count=1 -timeout 30m -v -run . ./torture/

## upgrade-drill: build the previous release (deploy/previous-release) and this tree, open
## 1,000 tickets spread over every open state on the old build, close them all on the new one
upgrade-drill:
	GUICHET_UPGRADE_DRILL=1 GUICHET_UPGRADE_DRILL_REQUIRED=1 $(GO) test -count=1 -timeout 60m -v -run TestUpgradeDrill ./torture/upgrade/

## lint: gofmt, go vet, staticcheck, workflowcheck, gosec
lint: fmt vet staticcheck workflowcheck gosec

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

## gosec: security checks on all non-test code; a false positive is annotated
## on its line with `// #nosec Gxxx -- why it is safe`, never excluded globally
gosec:
	$(GO) run $(GOSEC) -quiet ./...

## bench: benchmarks only, on SQLite and on a throwaway PostgreSQL 15 (as `make test`)
bench:
	.ci/with-postgres $(GO) test -run '^$$' -bench . -benchmem ./...

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
