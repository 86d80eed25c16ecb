# gwsmock build. Every install step lives here, so a fresh machine (and CI)
# needs only `make test`.
SHELL := /bin/bash
GO ?= go
NPM ?= npm
BIN := bin/gwsmock
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
INTEROP := interop
comma := ,
space := $(eval) $(eval)
REDOCLY := $(INTEROP)/node_modules/.bin/redocly

.PHONY: all run build test gotest vet lint interop deps godeps npmdeps node chromium firefox clean

all: build

## run: start the mock on the embedded default contact center (127.0.0.1:8090); flags for serve in ARGS, e.g. make run ARGS='--addr 127.0.0.1:9000'
run:
	$(GO) run -ldflags '$(LDFLAGS)' ./cmd/gwsmock serve $(ARGS)

## build: the gwsmock binary in bin/
build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/gwsmock

## test: everything CI runs
test: deps vet gotest lint interop

godeps:
	$(GO) mod download

# node and npm come from Debian's packages when the machine lacks them.
node:
	@command -v node >/dev/null && command -v $(NPM) >/dev/null || { \
		echo "installing nodejs and npm from Debian's packages"; \
		apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }

npmdeps: node
	cd $(INTEROP) && $(NPM) ci --no-audit --no-fund --loglevel=error

# The browser of interop/test/browser.test.mjs (driven by playwright-core,
# which cannot download one here) comes from Debian's package chromium.
chromium:
	@command -v chromium >/dev/null || { \
		echo "installing chromium from Debian's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The Firefox of interop/test/console-firefox.test.mjs comes from Debian's
# package firefox-esr: Playwright drives only its own Firefox builds, so
# puppeteer-core drives this one over WebDriver BiDi.
firefox:
	@command -v firefox-esr >/dev/null || { \
		echo "installing firefox-esr from Debian's packages"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr >/dev/null; }

deps: godeps npmdeps

vet:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './$(INTEROP)/*')); \
		if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi

# -timeout: mockserver runs the whole suite a dozen ways under -race, past go
# test's default 10 minutes on a busy 2-core machine.
gotest:
	$(GO) test -race -shuffle=on -count=1 -timeout 25m ./...

## lint: the spec, with an independent OpenAPI linter
lint: npmdeps
	$(REDOCLY) lint spec/openapi.yaml spec/control.yaml spec/driver.yaml --config spec/redocly.yaml

## interop: the real CometD (long-polling, WebSocket; in Node and in headless Chromium) and Faye clients against bin/gwsmock, and gwsmock's console in headless Chromium and Firefox
interop: build npmdeps chromium firefox
	cd $(INTEROP) && GWSMOCK_BIN=$(abspath $(BIN)) node --test --test-reporter=spec test/*.test.mjs

## bench: measure the performance figures of BENCHMARKS.md in one run (one Markdown table on stdout)
.PHONY: bench
bench: build
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(GO) run ./cmd/gwsmock-bench --bin $(BIN)

clean:
	rm -rf bin $(INTEROP)/node_modules

## fuzz: fuzz each target for FUZZTIME, one at a time (go test -fuzz takes one target per run); `test` runs their seed corpora
FUZZTIME ?= 20s
FUZZ_TARGETS := ./internal/bayeux:FuzzDecodeMessages ./internal/bayeux:FuzzServer \
	./mockserver:FuzzRequestBody ./mockserver/contactcenter:FuzzMergePatch ./fixtures:FuzzDecode
.PHONY: fuzz
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "== fuzz $$name in $$pkg for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 2s $$pkg; \
	done

## soak: SOAK_AGENTS agents over HTTP and CometD for SOAK_DURATION, in process on loopback, with the race detector
SOAK_DURATION ?= 3m
SOAK_AGENTS ?= 40
SOAK_TIMEOUT ?= 30m
.PHONY: soak
soak:
	SOAK_DURATION=$(SOAK_DURATION) SOAK_AGENTS=$(SOAK_AGENTS) $(GO) test -race -count=1 -timeout $(SOAK_TIMEOUT) -run '^TestSoak$$' -v ./mockserver/

## mutants: mutation testing of contactcenter, push and httpapi, judged by the conformance suite alone (gremlins; hours; not part of test): prints the kill rate and the survivors
GREMLINS := bin/gremlins
GREMLINS_VERSION := v0.6.0
MUTANT_PKGS := mockserver/push mockserver/httpapi mockserver/contactcenter
MUTANTS_OUT ?= bin/mutants
MUTANTS_JSON ?= $(MUTANTS_OUT)/summary.json
# One worker: each mutant builds and runs the whole suite, and the machine is shared.
MUTANTS_WORKERS ?= 1
# A mutant's time limit is this times the coverage run's.
MUTANTS_TIMEOUT_COEFFICIENT ?= 10
# The mutants gremlins does not make (cmd/gwsmock-mutants statements).
MUTANT_STATEMENT_KINDS ?= EVENT_DROPPED,EVENTS_REORDERED,BRANCH_REMOVED,CONSTANT_CHANGED
# The share of a kind's statement mutants judged, KIND=F,... (empty: all of them);
# e.g. BRANCH_REMOVED=0.2,CONSTANT_CHANGED=0.2 when hours are not to be had.
MUTANT_STATEMENT_SAMPLE ?=
# MUTANTS_FLAGS=--dry-run counts the mutants without running them.
MUTANTS_FLAGS ?=
MUTANT_OPERATORS := --invert-assignments --invert-bitwise --invert-bwassign --invert-logical \
	--invert-loopctrl --remove-self-assignments
# Only TestMutantSuite (build tag mutants) runs, so only the suite judges; no
# vet, which could fail a mutant before the suite sees it; -trimpath keeps the
# build cache valid in gremlins' copies of the module.
MUTANTS_GOFLAGS := -run=^TestMutantSuite$$ -vet=off -trimpath
.PHONY: mutants
mutants:
	@$(GO) version -m $(GREMLINS) 2>/dev/null | grep -q 'go-gremlins/gremlins\s*$(GREMLINS_VERSION)' || \
		GOBIN=$(abspath bin) $(GO) install github.com/go-gremlins/gremlins/cmd/gremlins@$(GREMLINS_VERSION)
	@mkdir -p $(MUTANTS_OUT)
	GOFLAGS='$(MUTANTS_GOFLAGS)' $(GO) test -tags mutants -count=1 $(addprefix ./,$(MUTANT_PKGS))
	@set -e; for p in $(MUTANT_PKGS); do \
		echo "== gremlins on $$p"; \
		GOFLAGS='$(MUTANTS_GOFLAGS)' $(GREMLINS) unleash $(MUTANTS_FLAGS) $(MUTANT_OPERATORS) \
			--tags mutants --coverpkg $(subst $(space),$(comma),$(addprefix ./,$(MUTANT_PKGS))) \
			--workers $(MUTANTS_WORKERS) --timeout-coefficient $(MUTANTS_TIMEOUT_COEFFICIENT) \
			--output $(abspath $(MUTANTS_OUT))/$$(basename $$p).json $(CURDIR)/$$p; \
	done
	@set -e; for p in $(MUTANT_PKGS); do \
		echo "== statement mutants of $$p"; \
		$(GO) run ./cmd/gwsmock-mutants statements $(if $(filter --dry-run,$(MUTANTS_FLAGS)),--dry-run) \
			--kinds $(MUTANT_STATEMENT_KINDS) --workers $(MUTANTS_WORKERS) \
			$(if $(MUTANT_STATEMENT_SAMPLE),--sample $(MUTANT_STATEMENT_SAMPLE)) --coverpkg $(subst $(space),$(comma),$(addprefix ./,$(MUTANT_PKGS))) \
			--out $(MUTANTS_OUT)/statements-$$(basename $$p).json $$p; \
	done
	$(GO) run ./cmd/gwsmock-mutants report --json $(MUTANTS_JSON) \
		$(foreach p,$(MUTANT_PKGS),$(p)=$(MUTANTS_OUT)/$(notdir $(p)).json $(p)=$(MUTANTS_OUT)/statements-$(notdir $(p)).json)

## mutants-replay: judges again only the survivors of MUTANTS_JSON (the summary make mutants wrote) with the suite as it is now, and updates it; MUTANTS_ONLY=REGEXP picks some by "path:line:col KIND"; MUTANTS_FLAGS=--dry-run prints the mutated lines only
MUTANTS_ONLY ?=
.PHONY: mutants-replay
mutants-replay:
	$(GO) run ./cmd/gwsmock-mutants replay --workers $(MUTANTS_WORKERS) $(filter --dry-run,$(MUTANTS_FLAGS)) $(if $(MUTANTS_ONLY),--only '$(MUTANTS_ONLY)') \
		--json $(MUTANTS_JSON) $(MUTANTS_JSON)
