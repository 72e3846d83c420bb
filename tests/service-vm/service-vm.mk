# SPDX-License-Identifier: BSD-3-Clause
# Builds the Service VM's test programs and modules into $(BUILD)/service-vm/root/, which
# tools/fetch-images.sh packs into the initramfs: tests/service-vm/<name>.c becomes
# /bin/cairn-<name> (static, glibc), tests/service-vm/kmod/ becomes /lib/cairn/cairn_probe.ko
# (built against the Debian headers `make images` fetched), guests/service-vm/tap-setup.sh becomes
# /usr/lib/cairn/tap-setup. See docs/images.md.

SVM_ROOT      := $(BUILD)/service-vm/root
SVM_CFLAGS    := -std=gnu11 -O2 -static -Wall -Wextra -Werror -Iabi -Itests/service-vm
SVM_PROGRAMS  := $(patsubst tests/service-vm/%.c,$(SVM_ROOT)/bin/cairn-%,$(wildcard tests/service-vm/*.c))
SVM_KMOD_SRCS := $(wildcard tests/service-vm/kmod/*.c tests/service-vm/kmod/Kbuild) tests/service-vm/cairn_probe.h
SVM_KMOD_DIR  := $(BUILD)/service-vm/kmod
SVM_KMOD      := $(SVM_ROOT)/lib/cairn/cairn_probe.ko

SVM_TAP_SETUP := $(SVM_ROOT)/usr/lib/cairn/tap-setup

.PHONY: service-vm-root
service-vm-root: $(SVM_PROGRAMS) $(SVM_KMOD) $(SVM_TAP_SETUP)

# guests/service-vm/tap-setup.sh becomes /usr/lib/cairn/tap-setup: the tap for cairn-dm's virtio-net.
$(SVM_TAP_SETUP): guests/service-vm/tap-setup.sh
	@mkdir -p $(dir $@)
	$(Q)install -m 0755 $< $@

$(SVM_ROOT)/bin/cairn-%: tests/service-vm/%.c $(wildcard tests/service-vm/*.h) $(wildcard abi/cairn/*.h)
	@mkdir -p $(dir $@)
	@echo "  SVMCC   $<"
	$(Q)$(CC) $(SVM_CFLAGS) $< -o $@

# Kbuild writes beside the sources, so the module is built from a copy under $(BUILD).
$(SVM_KMOD): $(SVM_KMOD_SRCS) $(wildcard abi/cairn/*.h) $(BUILD)/images/kbuild-dir
	@rm -rf $(SVM_KMOD_DIR) && mkdir -p $(SVM_KMOD_DIR) $(dir $@)
	@cp $(SVM_KMOD_SRCS) $(SVM_KMOD_DIR)/
	@echo "  KMOD    $@"
	$(Q)$(MAKE) --no-print-directory -s -C $$(cat $(BUILD)/images/kbuild-dir) \
		M=$(abspath $(SVM_KMOD_DIR)) CAIRN_ABI=$(abspath abi) modules >/dev/null
	$(Q)cp $(SVM_KMOD_DIR)/cairn_probe.ko $@
