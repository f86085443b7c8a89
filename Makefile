# The two commands of the README: `make run` and `make test`. Both set up first.
BUILD_DIR ?= build
DB ?= sqlite:./data/celeste.db
LISTEN ?= 127.0.0.1:8080
CTEST_PARALLEL ?= 2

.PHONY: setup build run test unit integration web bench clean format

setup:
	@scripts/setup

build: setup
	@cmake --build $(BUILD_DIR)
	@npm --prefix web run --silent build

run: build
	@$(BUILD_DIR)/celeste serve --db $(DB) --listen $(LISTEN) --demo

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(CTEST_PARALLEL)

unit: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -L unit -j $(CTEST_PARALLEL)

integration: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -L integration -j $(CTEST_PARALLEL)

web: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -L web -j $(CTEST_PARALLEL)

bench: build
	@bench/run

format:
	@clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc')

clean:
	rm -rf $(BUILD_DIR)
