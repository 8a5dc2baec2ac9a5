# Roost: the two set-up commands are `make run` and `make check`.
# Everything else is a convenience around Meson and Ninja.

PREFIX ?= /usr/local
BUILD ?= build
CHECK_BUILD ?= build-check
FUZZ_BUILD ?= build-fuzz
MESON_FLAGS ?=

.PHONY: all deps run check fuzz install clean format

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_FLAGS)

deps:
	./scripts/install-deps.sh

# Installs what is missing, builds, writes a default config under ./var and
# runs Roost in the foreground on 127.0.0.1.
run: deps
	$(MAKE) all
	./scripts/run-dev.sh $(BUILD)

# Installs what is missing, builds with ASan+UBSan, runs every test.
check: deps
	@[ -f $(CHECK_BUILD)/build.ninja ] || \
		meson setup $(CHECK_BUILD) -Db_sanitize=address,undefined \
			-Db_lundef=false $(MESON_FLAGS)
	ninja -C $(CHECK_BUILD)
	./scripts/check.sh $(CHECK_BUILD)

fuzz: deps
	@[ -f $(FUZZ_BUILD)/build.ninja ] || \
		CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true \
			-Db_sanitize=address,undefined -Db_lundef=false
	ninja -C $(FUZZ_BUILD)
	@echo "fuzzers are in $(FUZZ_BUILD)/fuzz/ (run e.g. $(FUZZ_BUILD)/fuzz/fuzz-config fuzz/corpus/config)"

install:
	@[ -f build-install/build.ninja ] || \
		meson setup build-install --prefix=$(abspath $(PREFIX)) \
			--buildtype=release
	meson configure build-install --prefix=$(abspath $(PREFIX))
	ninja -C build-install
	meson install -C build-install

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(CHECK_BUILD) $(FUZZ_BUILD) build-install
