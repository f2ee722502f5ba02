# fuzz/fuzz.mk — the libFuzzer targets. Run from the repository root:
#   make fuzz                                   build, then fuzz each target for $FUZZ_SECONDS (default 60)
#   make -f fuzz/fuzz.mk run FUZZ_SECONDS=600   the same, longer
#   make -f fuzz/fuzz.mk run FUZZ_TARGETS=request   only some targets
#   make -f fuzz/fuzz.mk build                  build only
# Every fuzz/fuzz_NAME.c is a target, linked with all of src/ but main.c; its seeds are
# fuzz/corpus/NAME/ and its dictionary fuzz/NAME.dict (both optional).
# Extra libFuzzer options go in FUZZ_FLAGS (e.g. FUZZ_FLAGS=-jobs=2).
FUZZ_CC ?= clang
# The same Debian packages as the top-level Makefile (its PKGS line), so the two never drift.
PKGS    := $(or $(shell sed -n 's/^PKGS *:= *//p' Makefile),libmicrohttpd jansson sqlite3 libargon2 gnutls)
B       := build/fuzz

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lzint -lm # zint has no pkg-config file, as in the Makefile
# -fno-sanitize-recover: UBSan findings abort, so libFuzzer sees them as crashes.
FCFLAGS := -std=c17 -D_GNU_SOURCE -Isrc -pthread -g -O1 -fno-omit-frame-pointer \
           -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -DFX_TEST_CLOCK $(PKG_CFLAGS)
FLDFLAGS := -pthread -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

LIB_SRC := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
MIGRATE := $(sort $(wildcard src/db/migrations/*.sql))
LIB_OBJ := $(patsubst %.c,$(B)/%.o,$(LIB_SRC)) $(B)/migrations.o

TARGETS      := $(patsubst fuzz/fuzz_%.c,%,$(sort $(wildcard fuzz/fuzz_*.c)))
FUZZ_TARGETS ?= $(TARGETS)
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 8192
FUZZ_FLAGS   ?=

.PHONY: run build
.SECONDARY:
build: $(patsubst %,$(B)/fuzz_%,$(TARGETS))

$(B)/migrations.c: scripts/embed-sql $(MIGRATE)
	@mkdir -p $(dir $@)
	scripts/embed-sql $(MIGRATE) > $@.tmp && mv $@.tmp $@

$(B)/migrations.o: $(B)/migrations.c
	@echo "  CC $@"; $(FUZZ_CC) $(FCFLAGS) -c $< -o $@

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(FUZZ_CC) $(FCFLAGS) -MMD -MP -c $< -o $@

$(B)/fuzz_%: $(B)/fuzz/fuzz_%.o $(LIB_OBJ)
	@echo "  LD $@"; $(FUZZ_CC) $(FLDFLAGS) $^ -o $@ $(PKG_LIBS)

# The seeds are copied, so what libFuzzer adds stays in build/fuzz/corpus/NAME
# (and accumulates from run to run until `make clean`); the repository is never
# written to. A crash, leak, UB or broken invariant leaves its input in
# build/fuzz/artifacts/NAME/ and makes this target fail.
run: $(patsubst %,run-%,$(FUZZ_TARGETS))

run-%: $(B)/fuzz_%
	@mkdir -p $(B)/corpus/$* $(B)/artifacts/$*
	@if [ -d fuzz/corpus/$* ]; then cp fuzz/corpus/$*/* $(B)/corpus/$*/; fi
	$(B)/fuzz_$* $(B)/corpus/$* -max_total_time=$(or $(FUZZ_SECONDS),60) -timeout=10 -rss_limit_mb=2048 \
	    -max_len=$(FUZZ_MAX_LEN) $(if $(wildcard fuzz/$*.dict),-dict=fuzz/$*.dict) \
	    -artifact_prefix=$(B)/artifacts/$*/ -print_final_stats=1 $(FUZZ_FLAGS) || { \
	    echo "fuzz_$*: failed; the input is in $(B)/artifacts/$*/, replay it with $(B)/fuzz_$* FILE" >&2; exit 1; }

-include $(shell find $(B) -name '*.d' 2>/dev/null)
