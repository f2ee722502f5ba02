# fangxian — one binary, built from Debian's libraries found with pkg-config.
#   make          bin/fangxian (release: -O2)
#   make run      install what is missing, build, create the demo database, serve it
#   make test     every test, on a build with AddressSanitizer and UBSan, and the browser tests
#   make web      the web UI's npm packages (from package-lock.json) and pre-compressed static files
#   make fuzz     the libFuzzer targets, briefly     make bench   the quick benchmarks
CC      ?= cc
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo dev)
PKGS    := libmicrohttpd jansson sqlite3 libargon2 gnutls xlsxwriter cairo-pdf pangocairo fontconfig libqrencode libmosquitto libcurl
WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Wvla
BASE    := -std=c17 -D_GNU_SOURCE -Isrc -pthread $(WARN) -DFX_VERSION='"$(VERSION)"'
REL     := -O2 -g
ASAN    := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DFX_TEST_CLOCK

# build/deps.mk below is the first rule, not the goal
.DEFAULT_GOAL := all

# pkg-config flags are written once the packages are there (make restarts after building this file).
# libzint-dev ships no pkg-config file: it is linked by name.
build/deps.mk: scripts/deps Makefile
	@mkdir -p build
	@scripts/deps
	@echo "PKG_CFLAGS := $$(pkg-config --cflags $(PKGS))" > $@.tmp
	@echo "PKG_LIBS := $$(pkg-config --libs $(PKGS)) -lzint -lm" >> $@.tmp
	@mv $@.tmp $@
-include build/deps.mk

SRC      := $(shell find src -name '*.c' | sort)
LIB_SRC  := $(filter-out src/main.c,$(SRC))
MIGRATE  := $(sort $(wildcard src/db/migrations/*.sql))
GEN      := build/gen/migrations.c

REL_OBJ  := $(patsubst %.c,build/rel/%.o,$(SRC)) build/rel/gen/migrations.o
TEST_LIB := $(patsubst %.c,build/test/%.o,$(LIB_SRC)) build/test/gen/migrations.o
TEST_OBJ := $(TEST_LIB) build/test/src/main.o

UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
API_SRC  := $(sort $(wildcard tests/api/*.c))
TESTLIB_SRC := $(sort $(wildcard tests/lib/*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,build/test/unit/%,$(UNIT_SRC))
API_BIN  := $(patsubst tests/api/%.c,build/test/api/%,$(API_SRC))

.PHONY: all run test unit api clean fuzz bench deps web
all: bin/fangxian

deps: build/deps.mk

$(GEN): scripts/embed-sql $(MIGRATE)
	@mkdir -p $(dir $@)
	scripts/embed-sql $(MIGRATE) > $@

build/rel/gen/migrations.o: $(GEN) build/deps.mk
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(CC) $(BASE) $(REL) $(PKG_CFLAGS) -c $< -o $@
build/test/gen/migrations.o: $(GEN) build/deps.mk
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(CC) $(BASE) $(ASAN) $(PKG_CFLAGS) -c $< -o $@

build/rel/%.o: %.c build/deps.mk
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(CC) $(BASE) $(REL) $(PKG_CFLAGS) -MMD -MP -c $< -o $@
build/test/%.o: %.c build/deps.mk
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(CC) $(BASE) $(ASAN) $(PKG_CFLAGS) -MMD -MP -c $< -o $@

bin/fangxian: $(REL_OBJ)
	@mkdir -p bin
	@echo "  LD $@"; $(CC) $(BASE) $(REL) $^ -o $@ $(PKG_LIBS)

build/test/fangxian: $(TEST_OBJ)
	@echo "  CC $@"; $(CC) $(BASE) $(ASAN) $^ -o $@ $(PKG_LIBS)

build/test/unit/%: tests/unit/%.c $(TEST_LIB) build/test/testlib.a
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(CC) $(BASE) $(ASAN) $(PKG_CFLAGS) -Itests -MMD -MP $< $(TEST_LIB) build/test/testlib.a -o $@ $(PKG_LIBS)
build/test/api/%: tests/api/%.c build/test/testlib.a
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(CC) $(BASE) $(ASAN) $(PKG_CFLAGS) -Itests -MMD -MP $< build/test/testlib.a -o $@ $(PKG_LIBS)
build/test/tests/lib/%.o: tests/lib/%.c build/deps.mk
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(CC) $(BASE) $(ASAN) $(PKG_CFLAGS) -Itests -MMD -MP -c $< -o $@
build/test/testlib.a: $(patsubst %.c,build/test/%.o,$(TESTLIB_SRC))
	ar rcs $@ $^

# The web UI is plain files in web/. npm brings playwright-core (browser tests) and any front-end
# library (copied to web/vendor); npm ci runs again only when package-lock.json is newer than
# node_modules. scripts/web-build writes the .gz twins the server sends. bin/fangxian needs none of it.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

web: node_modules/.package-lock.json
	@scripts/web-build

run: bin/fangxian web
	@mkdir -p data
	bin/fangxian init --db data/fangxian.db
	bin/fangxian demo --db data/fangxian.db
	bin/fangxian demo-ops --db data/fangxian.db
	@echo "serving on http://127.0.0.1:8080 — Ctrl-C to stop"
	bin/fangxian serve --db data/fangxian.db --listen 127.0.0.1:8080

test: build/test/fangxian $(UNIT_BIN) $(API_BIN) web
	@scripts/check-banned
	@tests/run

fuzz:
	@scripts/deps fuzz
	@$(MAKE) --no-print-directory -f fuzz/fuzz.mk run

REL_LIB := $(filter-out build/rel/src/main.o,$(REL_OBJ))
build/bench/%: bench/%.c $(REL_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD $@"; $(CC) $(BASE) $(REL) $(PKG_CFLAGS) $< $(REL_LIB) -o $@ $(PKG_LIBS)
build/bench/gen_persons: bench/gen_persons.c
	@mkdir -p $(dir $@)
	@echo "  LD $@"; $(CC) -std=c17 -O2 -Wall -Wextra -Werror $< -o $@

bench: bin/fangxian build/bench/search build/bench/gen_persons build/bench/sensors
	@scripts/deps bench
	bench/run-quick

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
