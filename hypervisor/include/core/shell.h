/* SPDX-License-Identifier: BSD-3-Clause */
/* The hypervisor shell on COM1: inspect and control VMs, or hand keyboard input to a VM's vUART. */
#ifndef CAIRN_CORE_SHELL_H
#define CAIRN_CORE_SHELL_H

#include "lib/compiler.h"

#define SHELL_RETURN_KEY 0x1D /* Ctrl-]: input goes back from a VM to the shell */

/* Sends console input to vm's vUART (the Service VM gets it from boot on). */
struct vm;
void shell_focus_vm(struct vm *vm);
/* vm stopped: if it had the console input, the shell takes it back. */
void shell_forget_vm(struct vm *vm);

/* False while the VM that input goes to has no room: the byte must wait in COM1. */
bool shell_input_ready(void);
/* One byte typed on the console. */
void shell_input(int c);

#endif
