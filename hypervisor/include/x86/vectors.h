/* SPDX-License-Identifier: BSD-3-Clause */
/* x86 exception vector numbers (architectural), for the hypervisor's IDT and for injection. */
#ifndef CAIRN_X86_VECTORS_H
#define CAIRN_X86_VECTORS_H

#define VECTOR_NMI 2
#define VECTOR_UD  6  /* invalid opcode */
#define VECTOR_GP  13 /* general protection */

#endif
