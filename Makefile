# Cairn: build the hypervisor image, boot it in QEMU, run the tests.
# `make` builds build/cairn.elf; `make run` boots it; `make test` runs every test.

BUILD     ?= build
CC        := gcc
HOST_CC   := gcc
QEMU      ?= qemu-system-x86_64
SMP       ?= 4
MEM       ?= 512M

HV_CFLAGS := -std=gnu11 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-builtin \
	-mno-red-zone -mgeneral-regs-only -mcmodel=small -mno-sse -mno-mmx -mno-80387 \
	-fno-asynchronous-unwind-tables -fno-common -O2 -g \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes \
	-Ihypervisor/include -MMD -MP
HV_ASFLAGS := -Ihypervisor/include -MMD -MP -D__ASSEMBLY__
HV_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack -Wl,--no-warn-rwx-segments -Wl,--build-id=none -T hypervisor/arch/x86/hypervisor.ld

HV_SRCS := $(wildcard hypervisor/core/*.c hypervisor/lib/*.c hypervisor/mm/*.c hypervisor/acpi/*.c \
	hypervisor/drivers/*.c hypervisor/devices/*.c hypervisor/arch/x86/*.c hypervisor/arch/x86/svm/*.c) \
	$(wildcard hypervisor/arch/x86/*.S hypervisor/arch/x86/svm/*.S)
HV_OBJS := $(patsubst %,$(BUILD)/%.o,$(HV_SRCS))

.PHONY: all setup run iso test unit-tests integration-tests format format-check clean
all: $(BUILD)/cairn.elf

setup:
	@tools/setup.sh

$(BUILD)/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(HV_ASFLAGS) -c $< -o $@

$(BUILD)/cairn.elf: $(HV_OBJS) hypervisor/arch/x86/hypervisor.ld
	$(CC) $(HV_LDFLAGS) -o $@ $(HV_OBJS)
	tools/check-image.sh $@

# A GRUB rescue ISO that boots the image through multiboot2.
$(BUILD)/cairn.iso: $(BUILD)/cairn.elf tools/grub.cfg
	@rm -rf $(BUILD)/iso && mkdir -p $(BUILD)/iso/boot/grub
	cp $(BUILD)/cairn.elf $(BUILD)/iso/boot/cairn.elf
	cp tools/grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/iso 2>$(BUILD)/grub-mkrescue.log || { cat $(BUILD)/grub-mkrescue.log; exit 1; }

iso: setup
	@$(MAKE) --no-print-directory $(BUILD)/cairn.iso

run: setup
	@$(MAKE) --no-print-directory all
	$(QEMU) -accel tcg -machine q35 -cpu qemu64,+svm,+npt -smp $(SMP) -m $(MEM) \
		-nographic -no-reboot -kernel $(BUILD)/cairn.elf

-include tests/unit/unit.mk

test: setup
	@$(MAKE) --no-print-directory all $(BUILD)/cairn.iso unit-test-binaries
	@tools/run-tests.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check: setup
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h') && echo "format-check: clean"

clean:
	rm -rf $(BUILD)

-include $(HV_OBJS:.o=.d)
