/* SPDX-License-Identifier: BSD-3-Clause */
/* Periodic hypervisor chores: console input (shell or a VM's vUART) and partition watchdogs. */
#ifndef CAIRN_CORE_HOUSEKEEPING_H
#define CAIRN_CORE_HOUSEKEEPING_H

/* Picks the housekeeping pCPU: the lowest online pCPU that runs no vCPU (none if all are taken). */
void housekeeping_init(void);
/* cpu just became free: it takes the chores over if no pCPU has them. */
struct pcpu;
void housekeeping_adopt(struct pcpu *cpu);
/* cpu (the housekeeper) is about to run a vCPU: it gives the chores up and stops its timer. */
void housekeeping_leave(struct pcpu *cpu);
/* Does the chores now, unless another pCPU is doing them. */
void housekeeping_run(void);
/* From a VM-exit path: does the chores if the last run is older than the polling period. */
void housekeeping_poll(void);
/* On the housekeeping pCPU: wake it again after one polling period. */
void housekeeping_arm_timer(void);

#endif
