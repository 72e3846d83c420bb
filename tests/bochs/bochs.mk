# SPDX-License-Identifier: BSD-3-Clause
# Builds $(BUILD)/bochs/vmx-probe.iso, the VMX capability probe, $(BUILD)/bochs/partitions.iso and
# $(BUILD)/bochs/service.iso (the partition and Service VM scenarios),
# that tests/integration/test_bochs.py boots under Bochs.
# Included by the top Makefile; see docs/bochs.md.

BUILD ?= build

BOCHS_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

# 32-bit freestanding: GRUB enters a multiboot 2 kernel in protected mode with paging off.
VMX_PROBE_CFLAGS := -m32 -std=gnu11 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-builtin -mgeneral-regs-only -O2 -Wall -Wextra -Werror

$(BUILD)/bochs/vmx-probe.elf: tests/bochs/vmx_probe.c tests/bochs/vmx_probe.ld tests/bochs/bochs.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(VMX_PROBE_CFLAGS) -c $< -o $(BUILD)/bochs/vmx_probe.o
	$(Q)ld -m elf_i386 -nostdlib -static -z noexecstack --build-id=none \
		-T tests/bochs/vmx_probe.ld $(BUILD)/bochs/vmx_probe.o -o $@

$(BUILD)/bochs/vmx-probe.iso: $(BUILD)/bochs/vmx-probe.elf
	@echo "  ISO     $@"
	@rm -rf $(BUILD)/bochs/iso && mkdir -p $(BUILD)/bochs/iso/boot/grub
	@cp $< $(BUILD)/bochs/iso/boot/vmx-probe.elf
	@printf '%s\n' 'serial --unit=0 --speed=115200' 'terminal_input serial console' \
		'terminal_output serial console' 'set timeout=0' 'set default=0' \
		'menuentry "VMX probe" {' '	multiboot2 /boot/vmx-probe.elf' '	boot' '}' \
		>$(BUILD)/bochs/iso/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@ $(BUILD)/bochs/iso 2>$(BUILD)/bochs/grub-mkrescue.log \
		|| { cat $(BUILD)/bochs/grub-mkrescue.log; exit 1; }

# The partition tests' scenario for Bochs (configs/bochs-partitions.scn) on a small GRUB ISO.
$(BUILD)/bochs/partitions.iso: $(BUILD)/scenarios/bochs-partitions/cairn.elf \
		configs/bochs-partitions.scn tools/make-iso.sh guests
	@mkdir -p $(dir $@)
	@echo "  ISO     $@"
	$(Q)tools/make-iso.sh $(BUILD) configs/bochs-partitions.scn $@

# The Debian Service VM alone (configs/bochs-service.scn), for test_bochs.py: docs/bochs.md.
$(BUILD)/bochs/service.iso: $(BUILD)/scenarios/bochs-service/cairn.elf \
		configs/bochs-service.scn tools/make-iso.sh
	@mkdir -p $(dir $@)
	@echo "  ISO     $@"
	$(Q)tools/make-iso.sh $(BUILD) configs/bochs-service.scn $@

.PHONY: bochs-probe
bochs-probe: $(BUILD)/bochs/vmx-probe.iso

.DEFAULT_GOAL := $(BOCHS_SAVED_DEFAULT_GOAL)
