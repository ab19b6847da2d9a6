# One entry for everything. Each target installs what is missing (scripts/setup.sh) and builds first,
# so a fresh Debian machine with the .NET SDK needs nothing else.
SHELL := /bin/bash
CONFIG ?= Release
DOTNET ?= dotnet
PYTHON := /usr/bin/python3
RESULTS := artifacts/test-results
BENCHMARKS := Torch Media Storage GpuWorker Pipeline
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: all setup build test demo bench clean build-azure lint-infra

all: build

setup:
	@scripts/setup.sh

# Every project but the Azure Functions app (ServerlessStitch.Azure.slnf; see README "Deploy to Azure").
SOLUTION := ServerlessStitch.Local.slnf

build: setup
	$(DOTNET) build $(SOLUTION) -c $(CONFIG) -v quiet -clp:ErrorsOnly

# Runs the .NET tests, then the Python tests of models/, and ends with one 'N passed, N failed' line.
test: build
	@rm -rf $(RESULTS); status=0; \
	$(DOTNET) test $(SOLUTION) -c $(CONFIG) --no-build --logger trx --results-directory $(RESULTS) || status=1; \
	$(PYTHON) -m pytest models/tests -q -p no:cacheprovider --junitxml=$(RESULTS)/models.xml || status=1; \
	$(PYTHON) scripts/test_summary.py $(RESULTS) || status=1; \
	exit $$status

# The paper's iteration counts take tens of minutes on a 2-core CPU; the demo uses fewer (see README).
DEMO_ARGS ?= --edit smile --pti-passes 10 --stitching-iterations 30
demo: build
	$(DOTNET) run --project src/ServerlessStitch.Cli -c $(CONFIG) --no-build -- edit samples/calm.mp4 $(DEMO_ARGS) \
	  -o artifacts/demo/calm.edited.mp4 --data artifacts/demo/store

bench: build
	@mkdir -p bench/results; set -e; for area in $(BENCHMARKS); do \
	  $(DOTNET) run --project bench/ServerlessStitch.$$area.Benchmarks -c $(CONFIG) --no-build -- bench/results; \
	done

clean:
	$(DOTNET) clean $(SOLUTION) -c $(CONFIG) -v quiet
	rm -rf artifacts

# The Functions app and everything it references, then its publish folder (needs the Functions packages from NuGet).
build-azure: setup
	$(DOTNET) build ServerlessStitch.Azure.slnf -c $(CONFIG) -v quiet -clp:ErrorsOnly

# Bicep build + lint of infra/ with the Bicep CLI from its NuGet package (no az CLI needed).
lint-infra:
	@scripts/lint_infra.sh
