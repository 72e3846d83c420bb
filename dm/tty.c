/* SPDX-License-Identifier: BSD-3-Clause */
/* cairn-dm's terminal while a VM runs on its stdio: raw input, so the guest echoes and edits. */
#include <unistd.h>

#include "dm/tty.h"

void dm_tty_raw(struct dm_tty *tty, int fd)
{
	struct termios raw;

	tty->fd = -1;
	if (fd < 0 || !isatty(fd) || tcgetattr(fd, &tty->saved))
		return;
	raw = tty->saved;
	cfmakeraw(&raw);
	raw.c_lflag |= ISIG;
	raw.c_oflag = tty->saved.c_oflag; /* output as before: COM1 sends lines ending in \n */
	if (tcsetattr(fd, TCSANOW, &raw) == 0)
		tty->fd = fd;
}

void dm_tty_restore(struct dm_tty *tty)
{
	if (tty->fd < 0)
		return;
	tcsetattr(tty->fd, TCSANOW, &tty->saved);
	tty->fd = -1;
}
