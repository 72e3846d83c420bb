# SPDX-License-Identifier: BSD-3-Clause
# Builds bench/ipi-bench/ (the IPI benchmark module, bench/ipi.py) against the Debian headers
# `make images` fetched, into both initramfs trees: /lib/cairn/ipi_bench.ko in the Service VM's
# and in the Linux User VM's. Included after tests/service-vm/ and tests/user-vm/'s makefiles.

IPI_BENCH_SRCS := bench/ipi-bench/ipi_bench.c bench/ipi-bench/Kbuild
IPI_BENCH_DIR  := $(BUILD)/ipi-bench
IPI_BENCH_KO   := $(IPI_BENCH_DIR)/ipi_bench.ko

service-vm-root: $(SVM_ROOT)/lib/cairn/ipi_bench.ko
user-vm-root: $(UVM_ROOT)/lib/cairn/ipi_bench.ko

# Kbuild writes beside the sources, so the module is built from a copy under $(BUILD).
$(IPI_BENCH_KO): $(IPI_BENCH_SRCS) $(BUILD)/images/kbuild-dir
	@rm -rf $(IPI_BENCH_DIR) && mkdir -p $(IPI_BENCH_DIR)
	@cp $(IPI_BENCH_SRCS) $(IPI_BENCH_DIR)/
	@echo "  KMOD    $@"
	$(Q)$(MAKE) --no-print-directory -s -C $$(cat $(BUILD)/images/kbuild-dir) \
		M=$(abspath $(IPI_BENCH_DIR)) modules >/dev/null

$(SVM_ROOT)/lib/cairn/ipi_bench.ko $(UVM_ROOT)/lib/cairn/ipi_bench.ko: $(IPI_BENCH_KO)
	@mkdir -p $(dir $@)
	$(Q)cp $< $@
