# SPDX-License-Identifier: BSD-3-Clause
# Builds the Linux User VM's test and benchmark programs into $(BUILD)/user-vm/root/, which
# tools/fetch-images.sh packs into the User VM's initramfs: tests/user-vm/<name>.c becomes
# /bin/cairn-<name> (static, glibc). See docs/images.md.

UVM_ROOT     := $(BUILD)/user-vm/root
UVM_CFLAGS   := -std=gnu11 -O2 -static -pthread -Wall -Wextra -Werror -Iabi
UVM_PROGRAMS := $(patsubst tests/user-vm/%.c,$(UVM_ROOT)/bin/cairn-%,$(wildcard tests/user-vm/*.c))

.PHONY: user-vm-root
user-vm-root: $(UVM_PROGRAMS)

$(UVM_ROOT)/bin/cairn-%: tests/user-vm/%.c $(wildcard abi/cairn/*.h)
	@mkdir -p $(dir $@)
	@echo "  UVMCC   $<"
	$(Q)$(CC) $(UVM_CFLAGS) $< -o $@
