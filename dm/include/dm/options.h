/* SPDX-License-Identifier: BSD-3-Clause */
/* cairn-dm's command line: acrn-dm's option names where it has one, parsed into struct dm_config. */
#ifndef CAIRN_DM_OPTIONS_H
#define CAIRN_DM_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include "dm/config.h"

/*
 * Parses argv into *cfg (defaults first). 0 on success; -1 with a one-line reason in err (no
 * trailing newline) for an unknown or malformed option, a missing VM name or -E. Whether a -s
 * device type exists, and its options, are checked when devices are made (dm/devices.c). With -h/--help it returns 0 with cfg->help set and checks nothing else.
 */
int dm_options_parse(int argc, char **argv, struct dm_config *cfg, char *err, size_t err_size);

/* Parses a -m value: <n>[K|M|G|B] (case-insensitive; no suffix means MiB). 0 or -1. */
int dm_parse_memsize(const char *text, uint64_t *bytes);

/* Parses a --cpu_affinity list ("2", "1,3"): 0 or -1 with a reason in err. */
int dm_parse_cpu_list(const char *text, uint64_t *mask, char *err, size_t err_size);

/* Parses one -s value into *s: 0, or -1 with a reason in err. */
int dm_parse_pci_slot(const char *arg, struct dm_pci_slot *s, char *err, size_t err_size);

void dm_options_usage(FILE *out);

#endif
