# fuzz/fuzz.mk — the libFuzzer targets. Run from the repository root:
#   make fuzz                                  build, then fuzz for $FUZZ_SECONDS (default 60)
#   make -f fuzz/fuzz.mk run FUZZ_SECONDS=600  the same, longer
#   make -f fuzz/fuzz.mk build/fuzz/fuzz_request   build only
# Extra libFuzzer options go in FUZZ_FLAGS (e.g. FUZZ_FLAGS=-jobs=2).
FUZZ_CC ?= clang
PKGS    := libmicrohttpd jansson sqlite3 libargon2 gnutls
B       := build/fuzz

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
# -fno-sanitize-recover: UBSan findings abort, so libFuzzer sees them as crashes.
FCFLAGS := -std=c17 -D_GNU_SOURCE -Isrc -pthread -g -O1 -fno-omit-frame-pointer \
           -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -DFX_TEST_CLOCK $(PKG_CFLAGS)
FLDFLAGS := -pthread -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

LIB_SRC := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
MIGRATE := $(sort $(wildcard src/db/migrations/*.sql))
LIB_OBJ := $(patsubst %.c,$(B)/%.o,$(LIB_SRC)) $(B)/migrations.o

FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 8192
FUZZ_FLAGS   ?=

.PHONY: run build
build: $(B)/fuzz_request

$(B)/migrations.c: scripts/embed-sql $(MIGRATE)
	@mkdir -p $(dir $@)
	scripts/embed-sql $(MIGRATE) > $@.tmp && mv $@.tmp $@

$(B)/migrations.o: $(B)/migrations.c
	@echo "  CC $@"; $(FUZZ_CC) $(FCFLAGS) -c $< -o $@

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $@"; $(FUZZ_CC) $(FCFLAGS) -MMD -MP -c $< -o $@

$(B)/fuzz_request: $(B)/fuzz/fuzz_request.o $(LIB_OBJ)
	@echo "  LD $@"; $(FUZZ_CC) $(FLDFLAGS) $^ -o $@ $(PKG_LIBS)

# The seeds are copied, so what libFuzzer adds stays in build/ (and accumulates
# from run to run until `make clean`). A crash leaves its input in
# build/fuzz/artifacts/ and makes this target fail.
run: $(B)/fuzz_request
	@mkdir -p $(B)/corpus $(B)/artifacts
	@cp fuzz/corpus/request/* $(B)/corpus/
	$(B)/fuzz_request $(B)/corpus -max_total_time=$(or $(FUZZ_SECONDS),60) -timeout=10 -rss_limit_mb=2048 \
	    -max_len=$(FUZZ_MAX_LEN) -dict=fuzz/request.dict -artifact_prefix=$(B)/artifacts/ \
	    -print_final_stats=1 $(FUZZ_FLAGS)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
