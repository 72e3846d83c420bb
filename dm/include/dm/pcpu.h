/* SPDX-License-Identifier: BSD-3-Clause */
/* The Service VM's CPUs a User VM runs on: given up to the hypervisor before, taken back after. */
#ifndef CAIRN_DM_PCPU_H
#define CAIRN_DM_PCPU_H

#include <stddef.h>
#include <stdint.h>

/*
 * ACRN's flow (docs/user-vms.md): for each pCPU N of --cpu_affinity, `echo 0 >
 * /sys/devices/system/cpu/cpuN/online`, then `echo N > .../acrn_hsm/remove_cpu`. Taking it back
 * after the VM is destroyed is Cairn's: `echo 1 > .../cpuN/online`. Only CPUs this process took
 * offline are brought back online; a CPU that was already offline stays as it was.
 */

/* Gives up every CPU in mask; on failure puts back what it did and says why in err. *offlined
 * gets the CPUs this call took offline (to pass to dm_pcpus_reclaim). 0 or -errno. */
int dm_pcpus_release(uint64_t mask, uint64_t *offlined, char *err, size_t err_size);

/* Brings each CPU in offlined back online (retrying briefly); returns the ones that stayed off. */
uint64_t dm_pcpus_reclaim(uint64_t offlined);

/* The APIC ID /proc/cpuinfo shows for an online CPU: 0 or -ENOENT. */
int dm_pcpu_apic_id(unsigned int cpu, uint32_t *apic_id);

/* The TSC rate Cairn's CPUID leaf 0x40000001 gives the Service VM, or 0 elsewhere. */
uint64_t dm_host_tsc_khz(void);

#endif
