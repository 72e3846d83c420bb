/* SPDX-License-Identifier: BSD-3-Clause */
/* cairn-dm: options -> struct dm_config -> run. No device logic here. */
#include <stdio.h>

#include "dm/dm.h"
#include "dm/options.h"

int main(int argc, char **argv)
{
	struct dm_config cfg;
	char err[256];

	if (dm_options_parse(argc, argv, &cfg, err, sizeof(err))) {
		fprintf(stderr, "cairn-dm: %s\n", err);
		return 2;
	}
	if (cfg.help) {
		dm_options_usage(stdout);
		return 0;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	return dm_run(&cfg);
}
