# SPDX-License-Identifier: BSD-3-Clause
# Builds the test/demo guests: $(BUILD)/guests/<name>.elf for every guests/<name>/ except guests/lib/.
# Included by the top Makefile; `make guests` builds them all. See docs/guests.md.

BUILD ?= build

# This fragment must not change which target a plain `make` builds, wherever it is included.
GUEST_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

GUEST_CC      ?= gcc
GUEST_CFLAGS  := -std=gnu11 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-builtin \
	-mno-red-zone -mgeneral-regs-only -mcmodel=small -O2 -g \
	-Wall -Wextra -Werror -Wno-unused-parameter -Iabi -Iguests/lib -Ihypervisor/include
GUEST_ASFLAGS := -D__ASSEMBLY__ -Iabi -Iguests/lib
GUEST_DEPFLAGS := -MMD -MP
GUEST_LDSCRIPT := guests/lib/guest.ld
GUEST_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack \
	-Wl,--build-id=none -T $(GUEST_LDSCRIPT)

GUEST_OBJDIR := $(BUILD)/guests/obj

# A guest is a directory under guests/ with C sources in it; guests/lib/ is the shared runtime.
GUEST_NAMES := $(filter-out lib,$(patsubst guests/%/,%,$(sort $(dir $(wildcard guests/*/*.c)))))
GUEST_ELFS  := $(patsubst %,$(BUILD)/guests/%.elf,$(GUEST_NAMES))

# The runtime, plus the hypervisor's own formatter, string and command-line code (not copies).
GUEST_HVLIB_SRCS := hypervisor/lib/format.c hypervisor/lib/string.c hypervisor/lib/cmdline.c
GUEST_LIB_C_OBJS := $(patsubst guests/%.c,$(GUEST_OBJDIR)/%.o,$(wildcard guests/lib/*.c))
GUEST_LIB_S_OBJS := $(patsubst guests/%.S,$(GUEST_OBJDIR)/%.S.o,$(wildcard guests/lib/*.S))
GUEST_HVLIB_OBJS := $(patsubst hypervisor/lib/%.c,$(GUEST_OBJDIR)/hvlib/%.o,$(GUEST_HVLIB_SRCS))
GUEST_LIB_OBJS   := $(GUEST_LIB_C_OBJS) $(GUEST_LIB_S_OBJS) $(GUEST_HVLIB_OBJS)

GUEST_MAIN_OBJS := $(patsubst guests/%.c,$(GUEST_OBJDIR)/%.o, \
	$(foreach g,$(GUEST_NAMES),$(wildcard guests/$(g)/*.c)))
GUEST_ALL_OBJS  := $(GUEST_LIB_OBJS) $(GUEST_MAIN_OBJS)

.PHONY: guests
guests: $(GUEST_ELFS)

# Static pattern rules: they cannot be confused with the hypervisor's $(BUILD)/%.c.o rules.
$(GUEST_LIB_C_OBJS) $(GUEST_MAIN_OBJS): $(GUEST_OBJDIR)/%.o: guests/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_DEPFLAGS) -c $< -o $@

$(GUEST_LIB_S_OBJS): $(GUEST_OBJDIR)/%.S.o: guests/%.S
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_ASFLAGS) $(GUEST_DEPFLAGS) -c $< -o $@

$(GUEST_HVLIB_OBJS): $(GUEST_OBJDIR)/hvlib/%.o: hypervisor/lib/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_DEPFLAGS) -c $< -o $@

# One link rule per guest: its own objects, then the runtime.
define GUEST_LINK_RULE
$$(BUILD)/guests/$(1).elf: $$(filter $$(GUEST_OBJDIR)/$(1)/%,$$(GUEST_MAIN_OBJS)) $$(GUEST_LIB_OBJS) $$(GUEST_LDSCRIPT)
	@mkdir -p $$(dir $$@)
	$$(GUEST_CC) $$(GUEST_LDFLAGS) -o $$@ $$(filter %.o,$$^)
endef
$(foreach g,$(GUEST_NAMES),$(eval $(call GUEST_LINK_RULE,$(g))))

-include $(GUEST_ALL_OBJS:.o=.d)

.DEFAULT_GOAL := $(GUEST_SAVED_DEFAULT_GOAL)
