/* The PC a Service VM sees: identity-mapped memory, the machine's devices, its own ACPI and Linux. */
#ifndef CAIRN_X86_SERVICE_PLATFORM_H
#define CAIRN_X86_SERVICE_PLATFORM_H

#include "core/boot_info.h"
#include "core/vm.h"

/*
 * Gives vm (whose vCPUs exist) its RAM, maps the machine identity-minus-the-hypervisor, attaches
 * the LAPIC/IOAPIC passthrough, vUART and reset guards, writes its ACPI tables and loads the
 * Linux image and initrd named by its config with vCPU 0 at the 64-bit entry.
 */
int service_platform_build(struct vm *vm, const struct boot_info *bi);

/*
 * Restarts the Service VM's platform for a reset: its IOAPIC routes masked, bus mastering of the
 * machine's PCI functions off (no DMA lands in the new kernel), ACPI tables, boot area, kernel and
 * initrd written again from the boot modules, vCPU 0 at the 64-bit entry. The vCPUs are reset by
 * the caller; the APs wait for Linux's SIPI again.
 */
int service_platform_reload(struct vm *vm);

#endif
