# Parley's tasks. SQLite's full-text search needs the sqlite_fts5 build tag
# on every build, run and test: these targets pass it.
TAGS   := sqlite_fts5
GO     ?= go
# serve reads these from the environment: make run PARLEY_ADDR=:9090
PARLEY_DB   ?= parley.db
PARLEY_ADDR ?= :8080
export PARLEY_DB PARLEY_ADDR

.PHONY: run build test vet fmt-check generate schema assets screenshots clean fuzz

## run: serve the built-in Berlin graph (playground at http://localhost:8080/)
run:
	@echo "Building parley. The first build compiles SQLite: about 4 minutes on a cold machine, seconds after that."
	$(GO) build -tags $(TAGS) -o parley .
	./parley serve

## build: build the parley binary
build:
	$(GO) build -tags $(TAGS) -o parley .

## test: vet, check formatting, and run every test
test: vet fmt-check
	$(GO) test -tags $(TAGS) -count=1 -timeout 40m ./...

## fuzz: run each fuzz target for FUZZTIME (their seed corpora, in testdata/fuzz, run with every make test)
FUZZTIME ?= 20s
fuzz:
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZTIME) ./internal/dataset
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzBlockAsLibrary$$' -fuzztime $(FUZZTIME) ./internal/dataset
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzSearchQuery$$' -fuzztime $(FUZZTIME) ./internal/sqlite
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzGraphQLRequest$$' -fuzztime $(FUZZTIME) ./graph
	$(GO) test -tags $(TAGS) -run '^$$' -fuzz '^FuzzFastParams$$' -fuzztime $(FUZZTIME) ./graph

vet:
	$(GO) vet -tags $(TAGS) ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

## generate: regenerate the GraphQL code from graph/schema/*.graphqls
generate:
	$(GO) generate ./...

## assets: refresh the vendored front-end packages from npm (versions pinned in web/package.json)
assets:
	cd web && npm install --no-audit --no-fund
	cp web/node_modules/graphiql/graphiql.min.js web/node_modules/graphiql/graphiql.min.css internal/web/assets/graphiql/
	cp web/node_modules/react/umd/react.production.min.js web/node_modules/react-dom/umd/react-dom.production.min.js internal/web/assets/graphiql/
	cp web/node_modules/graphiql/LICENSE internal/web/assets/graphiql/LICENSE.graphiql
	cp web/node_modules/react/LICENSE internal/web/assets/graphiql/LICENSE.react
	cp web/node_modules/react-dom/LICENSE internal/web/assets/graphiql/LICENSE.react-dom
	cp web/node_modules/cytoscape/dist/cytoscape.esm.min.mjs internal/web/assets/explore/vendor/
	cp web/node_modules/cytoscape/LICENSE internal/web/assets/explore/vendor/LICENSE.cytoscape

## screenshots: run the browser tests (needs Node and Debian's chromium) and refresh the README's screenshots from theirs
screenshots: build
	bash .ci/browser/run.sh artifacts
	@for f in $$(grep -o 'docs/screenshots/[a-z0-9-]*\.png' README.md | sort -u); do \
		cp artifacts/$$(basename $$f) $$f || exit 1; echo "$$f"; done

clean:
	rm -f parley parley.db parley.db-shm parley.db-wal

## schema: write the GraphQL schema (SDL) that front ends generate types from
schema:
	$(GO) run -tags $(TAGS) . schema > schema.graphql
