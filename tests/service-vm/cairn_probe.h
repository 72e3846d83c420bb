/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/* The ioctls of /dev/cairn_probe, the Service VM's test module: hypercalls and MSRs at CPL 0. */
#ifndef CAIRN_PROBE_H
#define CAIRN_PROBE_H

#ifdef __KERNEL__
#include <linux/ioctl.h>
#include <linux/types.h>
#else
#include <linux/types.h>
#include <sys/ioctl.h>
#endif

/* An ACRN-convention hypercall: VMCALL with the ID in R8, p1 in RDI, p2 in RSI; RAX is the result. */
struct cairn_probe_hypercall {
	__u64 id;
	__u64 p1;
	__u64 p2;
	__s64 result;
};

/* KVM's convention: VMMCALL with nr in RAX, a0..a3 in RBX, RCX, RDX, RSI; RAX is the result. */
struct cairn_probe_kvm_hypercall {
	__u64 nr;
	__u64 a[4];
	__s64 result;
};

/* An MSR access on the CPU the ioctl runs on; `fault` is nonzero when it raised #GP. */
struct cairn_probe_msr {
	__u32 index;
	__u32 fault;
	__u64 value;
};

#define CAIRN_PROBE_IOCTL_TYPE	  0xCA
#define CAIRN_PROBE_HYPERCALL	  _IOWR(CAIRN_PROBE_IOCTL_TYPE, 1, struct cairn_probe_hypercall)
#define CAIRN_PROBE_KVM_HYPERCALL _IOWR(CAIRN_PROBE_IOCTL_TYPE, 2, struct cairn_probe_kvm_hypercall)
#define CAIRN_PROBE_RDMSR	  _IOWR(CAIRN_PROBE_IOCTL_TYPE, 3, struct cairn_probe_msr)
#define CAIRN_PROBE_WRMSR	  _IOWR(CAIRN_PROBE_IOCTL_TYPE, 4, struct cairn_probe_msr)
/* Executes INVD (1) or WBINVD (2) once. */
#define CAIRN_PROBE_CACHE_INSN _IO(CAIRN_PROBE_IOCTL_TYPE, 5)
/*
 * A physically contiguous area of Service VM RAM, allocated at first use and kept until the module
 * is unloaded: mmap() of /dev/cairn_probe (offset 0, up to CAIRN_PROBE_AREA_SIZE) maps it, and
 * this ioctl writes its physical address (= its guest-physical address: the Service VM is
 * identity-mapped), for hypercalls whose structs and User VM memory live there.
 */
#define CAIRN_PROBE_AREA_SIZE (2u << 20)
#define CAIRN_PROBE_AREA_PA   _IOR(CAIRN_PROBE_IOCTL_TYPE, 6, __u64)

#endif
