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

.PHONY: all generate check-generated lint lint-go lint-spec test test-go bench help

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

test-go:
	$(GO) test -race -count=1 ./...

test: check-generated lint test-go ## everything CI checks: generated code, linters, go test -race

bench: ## benchmarks, with allocations (see BENCHMARKS.md)
	$(GO) test -run '^$$' -bench . -benchmem ./...
