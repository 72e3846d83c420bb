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

#endif
