# cssvpcep — build, check and test. `make test` is what CI runs (.ci/run).
#
# Tools are pinned here and installed into ./.bin (golangci-lint) or run through npx (Redocly
# CLI), so a fresh machine with Go and Node.js needs nothing installed by hand.

GO                    ?= go
GOLANGCI_LINT_VERSION := v2.15.0
REDOCLY_CLI_VERSION   := 2.77.0
BIN                   := $(CURDIR)/.bin
GOLANGCI_LINT         := $(BIN)/golangci-lint-$(GOLANGCI_LINT_VERSION)
SPEC                  := openapi/cssvpcep.yaml
GENERATED             := $(wildcard api/*.gen.go)

# Redocly CLI: no telemetry, no update banner in CI logs.
export REDOCLY_TELEMETRY := off
export REDOCLY_SUPPRESS_UPDATE_NOTICE := true

.PHONY: all generate check-generated lint lint-go lint-spec test test-go bench soak fuzz fuzz-short help

all: test

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

generate: ## regenerate api/*.gen.go from the spec (go generate ./...)
	$(GO) generate ./...

# Regenerates into the tree, then compares with the files as they were: a stale generated file
# fails with a unified diff. Needs no git, so it works on any checkout.
check-generated: ## fail with a diff if api/*.gen.go is stale
	@rm -rf .bin/generated-before && mkdir -p .bin/generated-before
	@cp $(GENERATED) .bin/generated-before/
	$(GO) generate ./...
	@status=0; \
	for f in api/*.gen.go; do \
	  if [ ! -f .bin/generated-before/$$(basename $$f) ]; then \
	    echo "check-generated: $$f is new: commit it"; status=1; \
	  elif ! diff -u .bin/generated-before/$$(basename $$f) $$f; then \
	    status=1; \
	  fi; \
	done; \
	if [ $$status -ne 0 ]; then \
	  echo "check-generated: generated code is stale; run 'make generate' and commit api/"; exit 1; \
	fi; \
	echo "check-generated: api/*.gen.go is up to date"

$(GOLANGCI_LINT):
	@mkdir -p $(BIN)
	GOBIN=$(BIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	@mv $(BIN)/golangci-lint $@

lint: lint-go lint-spec ## gofmt, go vet, golangci-lint and Redocly

lint-go: $(GOLANGCI_LINT)
	@unformatted=$$(gofmt -l $$(find . -name '*.go' -not -name '*.gen.go' -not -path './.bin/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GOLANGCI_LINT) run ./...

lint-spec: ## lint the spec with Redocly CLI (recommended ruleset, openapi/redocly.yaml)
	npx --yes @redocly/cli@$(REDOCLY_CLI_VERSION) lint --config openapi/redocly.yaml --format=stylish $(SPEC)

# Tests named *AllocateLittle count allocations, which the race detector changes (its sync.Pool
# drops a quarter of what is put back): they skip under -race and run here without it, in the
# packages that have them (ALLOC_PKGS; only those are built twice).
ALLOC_PKGS = ./contract

test-go:
	$(GO) test -race -count=1 ./...
	$(GO) test -count=1 -run 'AllocateLittle$$' $(ALLOC_PKGS)

test: check-generated lint test-go fuzz-short ## everything CI checks: generated code, linters, go test -race, fuzzing

# The fuzz targets, as <package dir>:<FuzzName>, found in the test files, so that a new target
# is fuzzed without being listed here. go test -fuzz takes one target per run. A failing input
# is written to the package's testdata/fuzz/<FuzzName>/: commit it with the fix, and every
# go test runs it from then on.
FUZZ_TARGETS   = $(shell grep -rEo --include='*_test.go' --exclude-dir=.bin '^func Fuzz[A-Za-z0-9_]+' . | sed -E 's|^(.*)/[^/]+:func (Fuzz[A-Za-z0-9_]+)$$|\1:\2|' | sort)
FUZZTIME       ?= 30s
FUZZTIME_SHORT ?= 5s
# Go spends up to 60s minimizing every new interesting input, without counting executions, which
# would eat most of a short run; a failing input still gets this long to shrink.
FUZZMINIMIZETIME ?= 5s

fuzz: ## run every fuzz target for FUZZTIME (30s) each
	@for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; \
	  echo "fuzz: $$name ($$pkg) for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $$pkg || exit 1; \
	done

fuzz-short: ## every fuzz target for FUZZTIME_SHORT (5s) each, as make test does
	@$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME_SHORT)

# Every go test ./... (make test too) runs the soak for 5 seconds; this runs it for 60, or for
# SOAK_DURATION, and shows its report. No test timeout: the soak ends by itself.
soak: ## the client against the emulator with injected faults for 60s (SOAK_DURATION), with a report
	$(GO) test -count=1 -timeout=0 -v -run '^TestSoak$$' ./internal/soak -soak.duration=$(or $(SOAK_DURATION),60s)

bench: ## benchmarks, with allocations (see BENCHMARKS.md)
	@# Rounds of -count 1, so that a baseline and its contenders run side by side in every round
	@# (this machine is shared and noisy); benchstat gives medians and ratios over the rounds.
	@# BENCH_COUNT=n sets the rounds (at least 6 for benchstat's confidence intervals).
	@mkdir -p $(BIN)/bench && rm -f $(BIN)/bench/*.txt
	$(GO) test -c -o $(BIN)/bench/client.test ./client
	$(GO) test -c -o $(BIN)/bench/emulator.test ./emulator
	@count=$(or $(BENCH_COUNT),6); for i in $$(seq $$count); do \
	  echo "bench: round $$i of $$count"; \
	  (cd client && $(BIN)/bench/client.test -test.run '^$$' -test.bench '^Benchmark(DocExample|LargePage|Validation|PageSize|AllConnections)$$' -test.benchtime 0.5s -test.benchmem -test.count 1) >>$(BIN)/bench/client.txt || exit 1; \
	  (cd client && $(BIN)/bench/client.test -test.run '^$$' -test.bench '^BenchmarkPaired(Operations)?$$' -test.benchmem -test.count 1) >>$(BIN)/bench/client.txt || exit 1; \
	  (cd emulator && $(BIN)/bench/emulator.test -test.run '^$$' -test.bench '^BenchmarkEmulator$$' -test.benchtime 0.5s -test.benchmem -test.count 1) >>$(BIN)/bench/emulator.txt || exit 1; \
	  (cd emulator && $(BIN)/bench/emulator.test -test.run '^$$' -test.bench '^BenchmarkEmulatorLoad$$/^case=(default|page1000|token|aksk|issued)$$' -test.benchmem -test.count 1) >>$(BIN)/bench/load.txt || exit 1; \
	  (cd emulator && $(BIN)/bench/emulator.test -test.run '^$$' -test.bench '^BenchmarkClientFaults$$' -test.benchtime 2000x -test.benchmem -test.count 1) >>$(BIN)/bench/faults.txt || exit 1; \
	done
	@cd $(BIN)/bench && bs="$(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da" && \
	  $$bs -filter .name:DocExample -col /impl client.txt && \
	  $$bs -filter .name:LargePage -col /impl client.txt && \
	  $$bs -filter .name:Validation -col /validation client.txt && \
	  $$bs -filter .name:PageSize client.txt && \
	  $$bs -filter .name:AllConnections -col /impl client.txt && \
	  $$bs -filter .name:Paired client.txt && \
	  $$bs -filter .name:PairedOperations client.txt && \
	  $$bs -col /server emulator.txt && \
	  $$bs load.txt && \
	  $$bs faults.txt
