# SPDX-License-Identifier: BSD-3-Clause
# Header checks, TAP lines (`make header-tests`; part of `make unit-tests` and of `make test`):
# every abi/cairn/ header alone in each build that includes it (tests/abi/check.sh, docs/abi.md),
# every hypervisor, guest-runtime, Service VM test and cairn-dm header alone with its own build's CFLAGS
# (tools/header-check.sh). Included by the top-level Makefile, after HV_CFLAGS, GUEST_CFLAGS,
# SVM_CFLAGS and DM_CFLAGS (dm/dm.mk).

ABI_HEADERS	   := $(sort $(wildcard abi/cairn/*.h))
HYPERVISOR_HEADERS := $(sort $(shell find hypervisor -name '*.h'))
GUEST_HEADERS	   := $(sort $(wildcard guests/lib/*.h))
SVM_HEADERS	   := $(sort $(wildcard tests/service-vm/*.h))
DM_HEADERS	   := $(sort $(wildcard dm/include/dm/*.h dm/*/*.h))

.PHONY: header-tests
# Runs every check even after a failure, and fails if any did.
header-tests:
	@failed=0; \
	CC='$(CC)' tests/abi/check.sh $(BUILD) $(ABI_HEADERS) || failed=1; \
	CC='$(CC)' tools/header-check.sh '$(filter-out -MMD -MP,$(HV_CFLAGS))' \
		$(HYPERVISOR_HEADERS) || failed=1; \
	CC='$(GUEST_CC)' tools/header-check.sh '$(GUEST_CFLAGS)' $(GUEST_HEADERS) || failed=1; \
	CC='$(CC)' tools/header-check.sh '$(filter-out -static,$(SVM_CFLAGS))' \
		$(SVM_HEADERS) || failed=1; \
	CC='$(CC)' tools/header-check.sh '$(filter-out -MMD -MP,$(DM_CFLAGS))' \
		$(DM_HEADERS) || failed=1; \
	exit $$failed
