/* SPDX-License-Identifier: BSD-3-Clause */
/* cairn-dm's terminal while a VM runs on its stdio: raw input, so the guest echoes and edits. */
#ifndef CAIRN_DM_TTY_H
#define CAIRN_DM_TTY_H

#include <stdbool.h>
#include <termios.h>

/*
 * With -l com1,stdio on a terminal, the guest's serial console is the user's: the terminal
 * must pass each byte as typed (no line buffering, no local echo, no CR/NL rewriting of input),
 * or the guest's shell sees whole lines and every character shows twice. Output processing is
 * kept (COM1's lines end in \n alone). ISIG stays on: Ctrl-C is
 * SIGINT to cairn-dm, which ends the VM (as before). Not a terminal: nothing changes.
 */
struct dm_tty {
	int fd; /* -1: nothing to restore */
	struct termios saved;
};

/* Puts fd (a terminal, or -1: none) in raw mode and remembers how it was. */
void dm_tty_raw(struct dm_tty *tty, int fd);
/* Puts it back; safe to call twice or without dm_tty_raw. */
void dm_tty_restore(struct dm_tty *tty);

#endif
