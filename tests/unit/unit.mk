# SPDX-License-Identifier: BSD-3-Clause
# Host unit tests: each tests/unit/test_*.c becomes $(BUILD)/tests/unit/test_*, linked with the
# harness and the hypervisor sources it tests, all built for the host with sanitizers.
# Included by the top-level Makefile; also works alone: make -f tests/unit/unit.mk unit-tests

BUILD	?= build
HOST_CC ?= gcc

UNIT_DIR := $(BUILD)/tests/unit
# Host objects live apart from the freestanding ones under $(BUILD)/hypervisor.
UNIT_OBJ := $(UNIT_DIR)/obj

UNIT_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all -DCAIRN_HOST_TEST \
	-fno-builtin-printf -Ihypervisor/include -Ihypervisor/arch/x86/svm \
	-Ihypervisor/arch/x86/vmx -Iabi -Idm/include -MMD -MP
UNIT_LDFLAGS := -fsanitize=address,undefined

# The sources each test links besides its own file and the harness: the hypervisor code it tests,
# and the test fixtures it uses.
UNIT_ARENA	   := tests/unit/arena.c
UNIT_ACPI_FIXTURES := tests/unit/acpi_fixtures.c $(UNIT_ARENA)

# The fake vendor backend (tests/unit/fake_virt.h) with the host stand-ins around it, and the
# guest-facing x86 code the exit-handler tests drive through it, with the core code it calls.
UNIT_FAKE_VIRT := tests/unit/fake_virt.c tests/unit/fake_cpu.c tests/unit/fake_console.c \
	tests/unit/fake_platform.c
UNIT_GUEST_X86 := $(UNIT_FAKE_VIRT) \
	$(addprefix hypervisor/arch/x86/guest/,cpuid.c msr.c msr_policy.c io.c mmio.c mmio_insn_cache.c \
		mmio_decode.c exceptions.c virt_insn.c halt.c exit.c hypercall.c ap_start.c vm_arch.c \
		kvm_pv.c lapic_pt.c x2apic.c irq_route.c guest_walk.c cache_insn.c entry_state.c acrn_regs.c \
		user_platform.c partition_platform.c service_dev.c user_irq.c vioapic.c vcpu_dump.c) \
	$(addprefix hypervisor/core/,vcpu_run.c io_emul.c hypercall.c hypercall_io.c guest_mem.c vm.c vm_stats.c \
		vm_log.c ioreq.c ioreq_slot.c user_vm.c user_vm_mem.c service_cpu.c) \
	hypervisor/arch/x86/tsc.c \
	hypervisor/lib/format.c hypervisor/lib/token_bucket.c
UNIT_SRCS_test_exit_cpuid := $(UNIT_GUEST_X86)
UNIT_SRCS_test_exit_events := $(UNIT_GUEST_X86)
UNIT_SRCS_test_exit_io := $(UNIT_GUEST_X86)
UNIT_SRCS_test_exit_mmio := $(UNIT_GUEST_X86)
UNIT_SRCS_test_exit_msr := $(UNIT_GUEST_X86)
UNIT_SRCS_test_fake_virt := $(UNIT_GUEST_X86)
UNIT_SRCS_test_hypercall := $(UNIT_GUEST_X86)
UNIT_SRCS_test_icr_filter := $(UNIT_GUEST_X86)
UNIT_SRCS_test_x2apic := $(UNIT_GUEST_X86)
UNIT_SRCS_test_kvm_pv := $(UNIT_GUEST_X86)
UNIT_SRCS_test_run_loop := $(UNIT_GUEST_X86)
UNIT_SRCS_test_ioreq_path := $(UNIT_GUEST_X86)
UNIT_SRCS_test_service_dev := $(UNIT_GUEST_X86)
UNIT_SRCS_test_user_irq := $(UNIT_GUEST_X86)
UNIT_SRCS_test_user_vm := $(UNIT_GUEST_X86)
UNIT_SRCS_test_service_cpu := $(UNIT_GUEST_X86)

UNIT_SRCS_test_format	  := hypervisor/lib/format.c
UNIT_SRCS_test_bitmap	  := hypervisor/lib/bitmap.c
UNIT_SRCS_test_token_bucket := hypervisor/lib/token_bucket.c
UNIT_SRCS_test_page_alloc := hypervisor/mm/page_alloc.c hypervisor/lib/bitmap.c
UNIT_SRCS_test_acpi	  := hypervisor/acpi/acpi_tables.c $(UNIT_ACPI_FIXTURES)
UNIT_STAGE2		  := hypervisor/arch/x86/stage2_pt.c tests/unit/stage2_fixture.c
UNIT_SRCS_test_stage2_pt  := hypervisor/arch/x86/svm/npt.c hypervisor/arch/x86/vmx/ept.c \
			     $(UNIT_STAGE2)
UNIT_SRCS_test_npt	  := hypervisor/arch/x86/svm/npt.c $(UNIT_STAGE2)
UNIT_SRCS_test_ept	  := hypervisor/arch/x86/vmx/ept.c $(UNIT_STAGE2)
UNIT_SRCS_test_vmx_exit	  := hypervisor/arch/x86/vmx/vmx_exit.c hypervisor/arch/x86/plain_exit.c
UNIT_SRCS_test_pcpu_map	  := hypervisor/core/pcpu_map.c
UNIT_SRCS_test_elf64	  := hypervisor/lib/elf64.c
UNIT_SRCS_test_multiboot  := hypervisor/arch/x86/multiboot.c hypervisor/core/boot_info.c
UNIT_SRCS_test_cmdline	  := hypervisor/lib/cmdline.c
UNIT_SRCS_test_rtc	   := hypervisor/arch/x86/rtc.c tests/unit/fake_cpu.c
UNIT_SRCS_test_msrpm	   := hypervisor/arch/x86/svm/msrpm.c hypervisor/arch/x86/guest/msr_policy.c
UNIT_SRCS_test_msr_bitmap := hypervisor/arch/x86/vmx/msr_bitmap.c hypervisor/arch/x86/guest/msr_policy.c
UNIT_SRCS_test_virt_backend := hypervisor/arch/x86/virt_backend.c hypervisor/lib/format.c tests/unit/fake_cpu.c
UNIT_SRCS_test_vmx_cpu := hypervisor/arch/x86/vmx/vmx_cpu.c hypervisor/lib/format.c tests/unit/fake_cpu.c
UNIT_SRCS_test_mmio_decode := hypervisor/arch/x86/guest/mmio_decode.c
UNIT_SRCS_test_mmio_decode_fuzz := hypervisor/arch/x86/guest/mmio_decode.c
UNIT_SRCS_test_abi_acrn := tests/unit/abi_facts_cairn.c tests/unit/abi_facts_linux.c
UNIT_SRCS_test_ioreq_slot := hypervisor/core/ioreq_slot.c hypervisor/lib/string.c
UNIT_SRCS_test_hsm_dispatch := hsm/dispatch.c
UNIT_SRCS_test_irq_route  := hypervisor/arch/x86/guest/irq_route.c
UNIT_SRCS_test_linux_boot := hypervisor/arch/x86/guest/linux_boot.c $(UNIT_ARENA)
UNIT_SRCS_test_ivrs	  := hypervisor/acpi/ivrs.c hypervisor/acpi/acpi_tables.c $(UNIT_ACPI_FIXTURES)
UNIT_SRCS_test_iommu_pgtable := hypervisor/drivers/amd_iommu_pgtable.c
UNIT_SRCS_test_acpi_power := hypervisor/acpi/acpi_tables.c $(UNIT_ACPI_FIXTURES)
UNIT_SRCS_test_reset_policy := hypervisor/arch/x86/guest/reset_policy.c
UNIT_SRCS_test_io_emul	  := hypervisor/core/io_emul.c
UNIT_SRCS_test_io_finish  := hypervisor/arch/x86/guest/io.c hypervisor/arch/x86/guest/mmio.c \
			     hypervisor/arch/x86/guest/mmio_decode.c hypervisor/core/io_emul.c \
			     tests/unit/fake_cpu.c
UNIT_SRCS_test_entry_state := hypervisor/arch/x86/guest/entry_state.c
UNIT_SRCS_test_acrn_regs := hypervisor/arch/x86/guest/acrn_regs.c hypervisor/arch/x86/guest/entry_state.c \
			    tests/unit/stub_set_state.c
UNIT_SRCS_test_svm_state := hypervisor/arch/x86/svm/svm_state.c hypervisor/arch/x86/guest/entry_state.c \
			    tests/unit/stub_set_state.c
UNIT_SRCS_test_boot_tables := hypervisor/arch/x86/guest/boot_tables.c
UNIT_SRCS_test_acpi_vm_tables := hypervisor/acpi/acpi_vm_tables.c hypervisor/acpi/acpi_tables.c \
				 $(UNIT_ACPI_FIXTURES)

# cairn-dm (dm/): Linux userspace code, built with the same flags plus _GNU_SOURCE for its own files.
UNIT_SRCS_test_dm_options := dm/options.c
UNIT_SRCS_test_dm_bus	  := dm/bus.c
UNIT_SRCS_test_dm_ctl	  := dm/ctl.c
UNIT_SRCS_test_dm_uart	  := dm/hw/uart.c dm/bus.c
UNIT_SRCS_test_dm_elf	  := dm/boot/elf.c dm/boot/entry.c dm/boot/image_file.c dm/mem.c dm/vm.c \
			     hypervisor/lib/elf64.c hypervisor/arch/x86/guest/boot_tables.c
UNIT_DM_ACPI		  := dm/boot/acpi.c dm/boot/aml.c hypervisor/acpi/acpi_vm_tables.c \
			     hypervisor/acpi/acpi_tables.c
UNIT_SRCS_test_dm_acpi	  := $(UNIT_DM_ACPI) dm/mem.c dm/vm.c
UNIT_SRCS_test_dm_aml	  := dm/boot/aml.c
UNIT_SRCS_test_dm_reset	  := dm/hw/reset.c dm/hw/pvpanic.c dm/bus.c
UNIT_SRCS_test_dm_bzimage := dm/boot/bzimage.c dm/boot/image_file.c $(UNIT_DM_ACPI) dm/mem.c \
			     dm/vm.c hypervisor/arch/x86/guest/linux_boot.c \
			     hypervisor/arch/x86/guest/acrn_regs.c hypervisor/arch/x86/guest/entry_state.c \
			     tests/unit/stub_set_state.c
UNIT_SRCS_test_dm_pm_timer := dm/hw/pm_timer.c dm/bus.c
UNIT_SRCS_test_dm_ioreq	  := dm/ioreq.c dm/bus.c dm/vm.c dm/hw/testdev.c dm/hw/power.c
UNIT_DM_PCI		  := dm/pci/pci.c dm/pci/msix.c dm/pci/hostbridge.c dm/bus.c
UNIT_SRCS_test_dm_pci	  := $(UNIT_DM_PCI)
UNIT_VIRTIO		  := dm/virtio/virtio.c dm/virtio/virtqueue.c dm/mem.c dm/vm.c \
			     tests/unit/virtio_driver.c
UNIT_SRCS_test_virtqueue  := $(UNIT_VIRTIO)
UNIT_SRCS_test_virtqueue_fuzz := $(UNIT_VIRTIO)
UNIT_SRCS_test_virtio_pci := $(UNIT_VIRTIO) $(UNIT_DM_PCI) dm/virtio/pci.c
UNIT_SRCS_test_virtio_devices := $(UNIT_VIRTIO) dm/virtio/rng.c dm/virtio/blk.c dm/virtio/console.c
UNIT_SRCS_test_dm_input := $(UNIT_VIRTIO) dm/input.c dm/hw/uart.c dm/bus.c dm/virtio/console.c
UNIT_SRCS_test_virtio_net := $(UNIT_VIRTIO) dm/virtio/net.c dm/virtio/net_tap.c
UNIT_SRCS_test_dm_pci_devices := $(UNIT_VIRTIO) $(UNIT_DM_PCI) dm/virtio/pci.c dm/virtio/rng.c \
	dm/virtio/blk.c dm/virtio/console.c dm/virtio/net.c dm/virtio/net_tap.c dm/virtio/notify.c dm/pci_devices.c dm/msi.c dm/options.c
$(UNIT_OBJ)/dm/%.o: UNIT_CFLAGS += -D_GNU_SOURCE

UNIT_TESTS := $(sort $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c)))
UNIT_BINS  := $(addprefix $(UNIT_DIR)/,$(UNIT_TESTS))

unit_objs = $(patsubst %.c,$(UNIT_OBJ)/%.o,tests/unit/$(1).c tests/unit/harness.c $(UNIT_SRCS_$(1)))

.PHONY: unit-test-binaries unit-tests
unit-test-binaries: $(UNIT_BINS)

# Runs every binary, then the header checks (tests/abi/abi.mk), even after a failure, and fails if
# any did.
unit-tests: unit-test-binaries
	@failed=0; for bin in $(UNIT_BINS); do $$bin || failed=1; done; \
	$(MAKE) --no-print-directory -f Makefile BUILD=$(BUILD) header-tests || failed=1; exit $$failed

$(UNIT_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(UNIT_CFLAGS) -c $< -o $@

define unit_link_rule
$(UNIT_DIR)/$(1): $(call unit_objs,$(1))
	$$(HOST_CC) $$(UNIT_LDFLAGS) $$^ -o $$@
endef
$(foreach test,$(UNIT_TESTS),$(eval $(call unit_link_rule,$(test))))

-include $(foreach test,$(UNIT_TESTS),$(patsubst %.o,%.d,$(call unit_objs,$(test))))
