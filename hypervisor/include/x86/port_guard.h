/* Ports through which a Service VM could reset or power off the whole machine: trapped, contained. */
#ifndef CAIRN_X86_PORT_GUARD_H
#define CAIRN_X86_PORT_GUARD_H

#include "core/vm.h"

/* Traps the reset control (0xCF9), the keyboard controller's command port and PM1a control. */
int port_guard_attach(struct vm *vm);

#endif
