# SPDX-License-Identifier: GPL-2.0-only
# Builds the HSM (hsm/) into the Service VM's initramfs as /lib/cairn/cairn_hsm.ko, with Kbuild
# against the Debian headers `make images` fetched, from a copy under $(BUILD)/hsm/ (Kbuild
# writes beside its sources). Included by the top Makefile after tests/service-vm/service-vm.mk.

HSM_SRCS     := $(wildcard hsm/*.c hsm/*.h) hsm/Kbuild
HSM_KMOD_DIR := $(BUILD)/hsm/kmod
HSM_KMOD     := $(SVM_ROOT)/lib/cairn/cairn_hsm.ko

.PHONY: hsm
hsm: $(HSM_KMOD)
service-vm-root: $(HSM_KMOD)

# W=1: the kernel's extra warnings; the Kbuild file makes every warning an error.
$(HSM_KMOD): $(HSM_SRCS) $(wildcard abi/cairn/*.h) $(BUILD)/images/kbuild-dir
	@rm -rf $(HSM_KMOD_DIR) && mkdir -p $(HSM_KMOD_DIR) $(dir $@)
	@cp $(HSM_SRCS) $(HSM_KMOD_DIR)/
	@echo "  KMOD    $@"
	$(Q)$(MAKE) --no-print-directory -s -C $$(cat $(BUILD)/images/kbuild-dir) \
		M=$(abspath $(HSM_KMOD_DIR)) CAIRN_ABI=$(abspath abi) W=1 modules
	$(Q)strip --strip-debug -o $@ $(HSM_KMOD_DIR)/cairn_hsm.ko
