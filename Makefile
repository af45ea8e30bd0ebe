# revmine build. `make help` lists the targets.
#
# One build directory per variant (build/ release, build/asan sanitizers, build/fuzz libFuzzer)
# so objects never mix. Sources are found by folder: a new module needs no Makefile edit.

BUILD ?= build
CC ?= cc
PKGS := libcurl gumbo libxml-2.0 libpcre2-8 sqlite3 jansson yaml-0.1 libutf8proc libmicrohttpd zlib \
        libcrypto
# libstemmer ships no pkg-config file on Debian; it is linked by name.
EXTRA_LIBS := -lstemmer -lpthread -lm

OPT ?= -O2
SAN_FLAGS ?=
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
        -Wno-unused-parameter
# Linked from the static archives the same Debian -dev packages ship: Gumbo calls its own small
# helpers (per character) through the PLT when shared, and non-PIC SQLite and jansson run
# faster too. bench/ab.sh 5, all shared vs these static: 0.746 -> 0.652 CPU ms per crawled
# page. `make STATIC_PKGS=` links everything shared.
STATIC_PKGS ?= gumbo sqlite3 jansson
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
STATIC_LIBS = $(shell pkg-config --libs-only-l $(STATIC_PKGS) 2>/dev/null)
STATIC_LINK = $(shell pkg-config --libs-only-L $(STATIC_PKGS) 2>/dev/null) \
              -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic \
              $(filter-out $(STATIC_LIBS),$(shell pkg-config --static --libs-only-l $(STATIC_PKGS) \
                                                  2>/dev/null))
PKG_LIBS = $(if $(STATIC_PKGS),$(STATIC_LINK)) \
           $(shell pkg-config --libs $(filter-out $(STATIC_PKGS),$(PKGS)) 2>/dev/null)
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) -g $(SAN_FLAGS) -I. -I$(BUILD)/gen \
             $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = $(SAN_FLAGS) $(LDFLAGS)
LIBS_ALL = $(PKG_LIBS) $(EXTRA_LIBS)

MODULES := core crawler extractors nlp store
LIB_SRC := $(foreach m,$(MODULES),$(wildcard $(m)/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/embed.o
CLI_SRC := $(wildcard cli/*.c)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_SRC := $(wildcard tests/test_*.c tests/it_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_HELP_SRC := $(wildcard tests/helpers/*.c)
TEST_HELP_OBJ := $(TEST_HELP_SRC:%.c=$(BUILD)/obj/%.o)
MARKET_SRC := $(wildcard tests/fixtures/market/*.c)
MARKET_OBJ := $(MARKET_SRC:%.c=$(BUILD)/obj/%.o)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
EMBED_FILES := $(sort $(wildcard configs/lexicons/* configs/aspects.yaml configs/interests.yaml \
                                 configs/sites/*.yaml))

LIB := $(BUILD)/librevmine.a
REVMINE := $(BUILD)/revmine
MARKET := $(BUILD)/rm-market

.PHONY: all deps test unit asan bench bench-compare eval fuzz demo valgrind clean help \
        build-tests
.DEFAULT_GOAL := all
# Keep objects that pattern rules build on the way (tests, benches): no needless rebuilds.
.SECONDARY:

all: $(REVMINE) $(if $(MARKET_SRC),$(MARKET))

help:
	@echo "make deps      install the Debian packages revmine needs (apt-get)"
	@echo "make           build build/revmine and the fixture marketplace build/rm-market"
	@echo "make demo      deps, build, crawl the bundled demo marketplace, export, summarise"
	@echo "make test      deps, build, run every unit and integration test"
	@echo "make asan      the same tests under AddressSanitizer + UBSan (build/asan)"
	@echo "make valgrind  the unit tests under valgrind memcheck"
	@echo "make bench     benchmarks: medians and ratios side by side"
	@echo "make eval      sentiment evaluation on ../shared/data (skipped when absent)"
	@echo "make fuzz      libFuzzer targets, FUZZ_SECONDS each (clang)"

deps:
	@bash tools/deps.sh

# `make V=1` shows whole command lines.
Q := $(if $(V),,@)
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/obj/gen/embed.o: $(BUILD)/gen/embed.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/gen/embed.c: $(BUILD)/tools/embed $(EMBED_FILES) Makefile
	@mkdir -p $(dir $@)
	$(Q)$(BUILD)/tools/embed $@ configs $(EMBED_FILES)

# The generator runs on the build machine: no sanitizers, no project flags.
$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(Q)cc -std=c11 -O1 -Wall -Wextra -Werror -o $@ $<

# The archive also depends on the list of its members, so a deleted source leaves it too.
$(BUILD)/lib.objs: FORCE
	@mkdir -p $(dir $@)
	@echo "$(LIB_OBJ)" | cmp -s - $@ || echo "$(LIB_OBJ)" > $@

$(LIB): $(LIB_OBJ) $(BUILD)/lib.objs
	@rm -f $@
	$(Q)ar rcs $@ $(LIB_OBJ)

.PHONY: FORCE
FORCE:

$(REVMINE): $(CLI_OBJ) $(LIB)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(LIB) $(LIBS_ALL)

$(MARKET): $(MARKET_OBJ) $(LIB)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $(MARKET_OBJ) $(LIB) $(LIBS_ALL)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(TEST_HELP_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $< $(TEST_HELP_OBJ) $(LIB) $(LIBS_ALL) -lcmocka

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $< $(LIB) $(LIBS_ALL)

build-tests: all $(TEST_BIN)

# The README's test command. Installs what is missing, builds, runs everything.
test: deps
	@$(MAKE) --no-print-directory build-tests
	@bash tests/run.sh $(BUILD)

# Without the deps step, for the edit-compile-test loop.
unit: build-tests
	@bash tests/run.sh $(BUILD)

asan:
	@$(MAKE) --no-print-directory BUILD=build/asan OPT=-O1 \
	    SAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    build-tests
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/supp/lsan.supp:print_suppressions=0 \
	    bash tests/run.sh build/asan

valgrind: build-tests
	@RM_VALGRIND=1 bash tests/run.sh $(BUILD) unit

bench: all $(BENCH_BIN)
	@bash bench/run.sh $(BUILD)

bench-compare: all $(BENCH_BIN)
	@bash bench/compare.sh $(BUILD)

eval: all $(BENCH_BIN)
	@bash bench/eval.sh $(BUILD)

FUZZ_SECONDS ?= 30
fuzz:
	@bash tests/fuzz/run.sh $(FUZZ_SECONDS)

demo: deps
	@$(MAKE) --no-print-directory all
	@bash tools/demo.sh $(BUILD)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
