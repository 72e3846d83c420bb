# SPDX-License-Identifier: BSD-3-Clause
# Builds cairn-dm (dm/), the Service VM's device model, as a static glibc binary installed in the
# Service VM's initramfs overlay as /bin/cairn-dm, with the test guests it runs under
# /usr/lib/cairn/guests/. Included by the top Makefile; see dm/README.md.

DM_SAVED_DEFAULT_GOAL := $(.DEFAULT_GOAL)

DM_OBJDIR := $(BUILD)/dm/obj
DM_BIN	  := $(BUILD)/dm/cairn-dm
DM_CFLAGS := -std=gnu11 -O2 -g -D_GNU_SOURCE -pthread -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wmissing-prototypes -Iabi -Idm/include -MMD -MP
# The hypervisor's portable pieces cairn-dm links (not copies), built for the host as the unit
# tests build them; only the files that use them see the hypervisor's headers.
DM_HV_CFLAGS := $(DM_CFLAGS) -DCAIRN_HOST_TEST -Ihypervisor/include
DM_HV_SRCS   := hypervisor/lib/elf64.c hypervisor/arch/x86/guest/boot_tables.c \
	hypervisor/arch/x86/guest/linux_boot.c hypervisor/acpi/acpi_tables.c \
	hypervisor/acpi/acpi_vm_tables.c
DM_HV_USERS  := dm/boot/elf.c dm/boot/entry.c dm/boot/bzimage.c dm/boot/acpi.c

DM_SRCS := $(wildcard dm/*.c dm/hw/*.c dm/boot/*.c dm/pci/*.c dm/virtio/*.c)
DM_OBJS := $(patsubst %.c,$(DM_OBJDIR)/%.o,$(DM_SRCS) $(DM_HV_SRCS))
DM_HV_OBJS := $(patsubst %.c,$(DM_OBJDIR)/%.o,$(DM_HV_SRCS) $(DM_HV_USERS))

# The test guests the Service VM can start as User VMs.
DM_GUESTS     := hello heartbeat iotest faulty virtiotest
DM_SVM_GUESTS := $(patsubst %,$(SVM_ROOT)/usr/lib/cairn/guests/%.elf,$(DM_GUESTS))
DM_SVM_BIN    := $(SVM_ROOT)/bin/cairn-dm
# cairnctl (dm/cairnctl/): acrnctl's verbs against running cairn-dms, through dm/include/dm/ctl.h.
CTL_BIN	      := $(BUILD)/dm/cairnctl
CTL_SVM_BIN   := $(SVM_ROOT)/bin/cairnctl
# The default Linux User VM launch-uvm starts: the Service VM's own Debian kernel and the User VM
# initramfs tools/fetch-images.sh builds (its fetch stage runs before service-vm-root).
DM_SVM_UVM    := $(SVM_ROOT)/usr/lib/cairn/uvm/vmlinuz $(SVM_ROOT)/usr/lib/cairn/uvm/initramfs.cpio.gz \
	$(SVM_ROOT)/bin/launch-uvm

.PHONY: dm
dm: $(DM_BIN) $(CTL_BIN)
all: $(DM_BIN) $(CTL_BIN)
service-vm-root: $(DM_SVM_BIN) $(CTL_SVM_BIN) $(DM_SVM_GUESTS) $(DM_SVM_UVM)

$(filter-out $(DM_HV_OBJS),$(DM_OBJS)): $(DM_OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  DMCC    $<"
	$(Q)$(CC) $(DM_CFLAGS) -c $< -o $@

$(DM_HV_OBJS): $(DM_OBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  DMCC    $<"
	$(Q)$(CC) $(DM_HV_CFLAGS) -c $< -o $@

$(DM_BIN): $(DM_OBJS)
	@echo "  DMLD    $@"
	$(Q)$(CC) -static -pthread -o $@ $^

$(DM_SVM_BIN): $(DM_BIN)
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

$(CTL_BIN): dm/cairnctl/cairnctl.c dm/include/dm/ctl.h
	@mkdir -p $(dir $@)
	@echo "  DMCC    $<"
	$(Q)$(CC) $(filter-out -MMD -MP,$(DM_CFLAGS)) -static -o $@ $<

$(CTL_SVM_BIN): $(CTL_BIN)
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

$(SVM_ROOT)/usr/lib/cairn/uvm/vmlinuz: $(BUILD)/images/vmlinuz
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

$(SVM_ROOT)/usr/lib/cairn/uvm/initramfs.cpio.gz: $(BUILD)/images/uvm-initramfs.cpio.gz
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

$(SVM_ROOT)/bin/launch-uvm: guests/user-vm/launch-uvm
	@mkdir -p $(dir $@)
	$(Q)install -m 0755 $< $@

$(SVM_ROOT)/usr/lib/cairn/guests/%.elf: $(BUILD)/guests/%.elf
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

-include $(DM_OBJS:.o=.d)

.DEFAULT_GOAL := $(DM_SAVED_DEFAULT_GOAL)
