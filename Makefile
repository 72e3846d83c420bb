# SPDX-License-Identifier: BSD-3-Clause
# Cairn: build the hypervisor image, boot it in QEMU, run the tests.
# `make` builds build/cairn.elf; `make run` boots it; `make test` runs every test.

BUILD     ?= build
CC        := gcc
HOST_CC   := gcc
QEMU      ?= qemu-system-x86_64
SCENARIO  ?= service
Q         := @

CONFIGS   ?= configs
SCENARIO_FILE := $(CONFIGS)/$(SCENARIO).scn
SCENARIOS     := $(basename $(notdir $(wildcard $(CONFIGS)/*.scn)))
empty :=
space := $(empty) $(empty)
comma := ,
# Images a scenario may name: the project's guests (guests/<name>/), and the Debian kernel and
# initramfs that `make images` fetches and builds (build/images/).
GUEST_IMAGES  := $(filter-out lib service-vm,$(notdir $(patsubst %/,%,$(wildcard guests/*/))))
KNOWN_IMAGES  := $(subst $(space),$(comma),$(GUEST_IMAGES) vmlinuz initramfs)

HV_CFLAGS := -std=gnu11 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-builtin \
	-mno-red-zone -mgeneral-regs-only -mcmodel=small -mno-sse -mno-mmx -mno-80387 \
	-fno-asynchronous-unwind-tables -fno-common -O2 -g \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes \
	-Ihypervisor/include -Iabi -MMD -MP
HV_ASFLAGS := -Ihypervisor/include -Iabi -MMD -MP -D__ASSEMBLY__
HV_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack -Wl,--no-warn-rwx-segments -Wl,--build-id=none -T hypervisor/arch/x86/hypervisor.ld

HV_SRCS := $(wildcard hypervisor/core/*.c hypervisor/lib/*.c hypervisor/mm/*.c hypervisor/acpi/*.c \
	hypervisor/drivers/*.c hypervisor/devices/*.c hypervisor/arch/x86/*.c hypervisor/arch/x86/svm/*.c \
	hypervisor/arch/x86/vmx/*.c) \
	$(wildcard hypervisor/arch/x86/*.S hypervisor/arch/x86/svm/*.S \
	hypervisor/arch/x86/vmx/*.S)
HV_SRCS += $(wildcard hypervisor/arch/x86/guest/*.c)
HV_OBJS := $(patsubst %,$(BUILD)/%.o,$(HV_SRCS))
SCENARIO_ELFS := $(patsubst %,$(BUILD)/scenarios/%/cairn.elf,$(SCENARIOS))

.PHONY: all setup images run iso test unit-tests integration-tests format format-check clean scenarios
# `make` builds the hypervisor for $(SCENARIO) (build/cairn.elf) and the guests.
all: $(BUILD)/cairn.elf guests

setup:
	@tools/setup.sh

# The Service VM's Debian kernel and busybox initramfs, fetched and cached under build/images/,
# with the Service VM's test programs and probe module (tests/service-vm/) inside, and inside
# that the Linux User VM's initramfs with its own programs (tests/user-vm/).
images: setup
	@tools/fetch-images.sh $(BUILD) fetch
	@$(MAKE) --no-print-directory user-vm-root
	@tools/fetch-images.sh $(BUILD) uvm-initramfs
	@$(MAKE) --no-print-directory service-vm-root
	@tools/fetch-images.sh $(BUILD) initramfs

$(BUILD)/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(HV_ASFLAGS) -c $< -o $@

# Each scenario is compiled into its own image: build/scenarios/<name>/cairn.elf.
$(BUILD)/scenarios/%/scenario.c: $(CONFIGS)/%.scn tools/scenario.py $(wildcard tools/scenario/*.py)
	@mkdir -p $(dir $@)
	@echo "  SCN     $<"
	$(Q)python3 tools/scenario.py gen $< --known-images '$(KNOWN_IMAGES)' -o $@

$(BUILD)/scenarios/%/cairn.elf: $(HV_OBJS) $(BUILD)/scenarios/%/scenario.c.o hypervisor/arch/x86/hypervisor.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(HV_LDFLAGS) -o $@ $(HV_OBJS) $(BUILD)/scenarios/$*/scenario.c.o
	$(Q)tools/check-image.sh $@

$(BUILD)/scenarios/%/scenario.c.o: $(BUILD)/scenarios/%/scenario.c
	@echo "  CC      $<"
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/cairn.elf: $(BUILD)/scenarios/$(SCENARIO)/cairn.elf
	$(Q)cp $< $@

scenarios: $(SCENARIO_ELFS)

.SECONDARY:

# A GRUB rescue ISO that boots the default scenario (image and modules) through multiboot 2.
$(BUILD)/cairn.iso: $(BUILD)/scenarios/$(SCENARIO)/cairn.elf $(SCENARIO_FILE) tools/make-iso.sh guests
	@echo "  ISO     $@"
	$(Q)tools/make-iso.sh $(BUILD) $(SCENARIO_FILE) $@

iso: setup images
	@$(MAKE) --no-print-directory $(BUILD)/cairn.iso

run: setup images
	@$(MAKE) --no-print-directory all
	tools/run-scenario.sh $(BUILD) $(SCENARIO_FILE)

include guests/guests.mk
include tests/service-vm/service-vm.mk
include tests/user-vm/user-vm.mk
include bench/ipi-bench/ipi-bench.mk
include hsm/hsm.mk
include dm/dm.mk
include tests/abi/abi.mk
include tests/bochs/bochs.mk
-include tests/unit/unit.mk

test: setup images
	@$(MAKE) --no-print-directory all scenarios $(BUILD)/cairn.iso $(BUILD)/bochs/vmx-probe.iso \
		$(BUILD)/bochs/partitions.iso $(BUILD)/bochs/service.iso unit-test-binaries
	@tools/run-tests.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# format-check also runs tools/spdx.sh --check (every source file's licence line; docs/style.md);
# SPDX_CHECK=0 skips it.
SPDX_CHECK ?= 1
format-check: setup
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h') && echo "format-check: clean"
	@if [ "$(SPDX_CHECK)" = 1 ]; then tools/spdx.sh --check; fi

# cppcheck's warnings over the hypervisor, the guests and cairn-dm (docs/style.md); a stage of make test.
.PHONY: static-check
static-check: setup
	@cppcheck -q --std=c11 --enable=warning,portability --inline-suppr --error-exitcode=1 \
		-Ihypervisor/include -Iabi -Iguests/lib -Idm/include -D__x86_64__ \
		--template='{file}:{line}: {severity}: {id}: {message}' hypervisor guests dm \
		&& echo "static-check: clean"

clean:
	rm -rf $(BUILD)

-include $(HV_OBJS:.o=.d)
