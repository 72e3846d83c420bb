/* SPDX-License-Identifier: BSD-3-Clause */
/* Exception handling in a test guest: the common handler, catches (resume points) and CPL 3 runs. */
#include <stddef.h>

#include "console.h"
#include "cpu.h"
#include "exception.h"
#include "segments.h"

#define USER_STACK_SIZE (8 * KiB)

/* What resume.S saves and restores: callee-saved registers, the stack pointer, the return address. */
struct resume_point {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

_Static_assert(offsetof(struct resume_point, rsp) == 48, "resume.S offsets");
_Static_assert(offsetof(struct resume_point, rip) == 56, "resume.S offsets");

/* The stack exception_common (traps.S) hands to exception_dispatch. */
struct exception_frame {
	uint64_t vector;
	uint64_t error_code; /* 0 for vectors without one */
	uint64_t rip, cs, rflags, rsp, ss;
};

/* One active catch; it lives in the catching call's stack frame. */
struct exception_catch {
	struct resume_point resume;
	struct exception_catch *outer;
	bool at_cpl3;
	int vector;
	uint64_t error_code;
	uint64_t rip;
};

/* From resume.S. resume_point_save returns 0, then the value given to resume_point_jump. */
__attribute__((returns_twice)) int resume_point_save(struct resume_point *rp);
__noreturn void resume_point_jump(const struct resume_point *rp, int value);
__noreturn void cpl3_enter(void (*fn)(void), void *stack_top);

/* Called by exception_common (traps.S); never returns. */
__noreturn void exception_dispatch(const struct exception_frame *frame);

static struct exception_catch *active_catch;
static uint8_t user_stack[USER_STACK_SIZE] __aligned(16);

/* The other vectors below 32 are reserved. */
static const char *const exception_names[EXCEPTION_VECTORS] = {
	[0] = "#DE",  [1] = "#DB",  [2] = "NMI",  [3] = "#BP",	[4] = "#OF",  [5] = "#BR",
	[6] = "#UD",  [7] = "#NM",  [8] = "#DF",  [9] = "CSO",	[10] = "#TS", [11] = "#NP",
	[12] = "#SS", [13] = "#GP", [14] = "#PF", [16] = "#MF", [17] = "#AC", [18] = "#MC",
	[19] = "#XM", [20] = "#VE", [21] = "#CP", [28] = "#HV", [29] = "#VC", [30] = "#SX",
};

const char *exception_name(int vector)
{
	if (vector == EXCEPTION_NONE)
		return "nothing";
	if (vector < 0 || vector >= EXCEPTION_VECTORS)
		return "interrupt";
	return exception_names[vector] ? exception_names[vector] : "reserved";
}

static __noreturn void exception_report(uint64_t vector, uint64_t error_code, uint64_t rip)
{
	/* Vectors are below 256, so the cast is exact. */
	guest_printf("exception %lu (%s) error 0x%lx at RIP 0x%lx\n", vector,
		     exception_name((int)vector), error_code, rip);
	if (vector == 14)
		guest_printf("exception: CR2 0x%lx\n", read_cr2());
	cpu_halt_forever();
}

/* An exception ends a catch; so does the CPL 3 trampoline's `int $VECTOR_LEAVE_CPL3`. */
static bool catch_takes(const struct exception_catch *c, const struct exception_frame *frame)
{
	if (frame->vector < EXCEPTION_VECTORS)
		return true;
	return frame->vector == VECTOR_LEAVE_CPL3 && c->at_cpl3 && (frame->cs & 3) == 3;
}

__noreturn void exception_dispatch(const struct exception_frame *frame)
{
	struct exception_catch *c = active_catch;

	if (c && catch_takes(c, frame)) {
		if (frame->vector < EXCEPTION_VECTORS) {
			c->vector = (int)frame->vector;
			c->error_code = frame->error_code;
			c->rip = frame->rip;
		}
		resume_point_jump(&c->resume, 1);
	}
	exception_report(frame->vector, frame->error_code, frame->rip);
}

/* What a catch saw: the vector (or EXCEPTION_NONE), the error code and the faulting RIP. */
struct caught_exception {
	int vector;
	uint64_t error_code;
	uint64_t rip;
};

/* Nothing changes between the save and a resume, so no local needs to be volatile. */
static void catch_run(void (*fn)(void), bool at_cpl3, struct caught_exception *caught)
{
	struct exception_catch c = { .outer = active_catch,
				     .at_cpl3 = at_cpl3,
				     .vector = EXCEPTION_NONE };

	active_catch = &c;
	if (resume_point_save(&c.resume) == 0) {
		if (at_cpl3)
			cpl3_enter(fn, user_stack + sizeof(user_stack));
		fn();
	}
	active_catch = c.outer;
	caught->vector = c.vector;
	caught->error_code = c.error_code;
	caught->rip = c.rip;
}

static int catch_result(const struct caught_exception *caught, uint64_t *error_code)
{
	if (error_code)
		*error_code = caught->error_code;
	return caught->vector;
}

int catch_exception(void (*fn)(void), uint64_t *error_code)
{
	struct caught_exception caught;

	catch_run(fn, false, &caught);
	return catch_result(&caught, error_code);
}

int catch_exception_at_cpl3(void (*fn)(void), uint64_t *error_code)
{
	struct caught_exception caught;

	catch_run(fn, true, &caught);
	return catch_result(&caught, error_code);
}

/* Like a catch, but an exception other than `vector` is reported and stops the guest. */
static int expect_result(int vector, const struct caught_exception *caught, uint64_t *error_code)
{
	int raised = catch_result(caught, error_code);

	if (raised == EXCEPTION_NONE)
		return 0;
	if (raised != vector)
		exception_report((uint64_t)raised, caught->error_code, caught->rip);
	return 1;
}

int expect_exception(int vector, void (*fn)(void), uint64_t *error_code)
{
	struct caught_exception caught;

	catch_run(fn, false, &caught);
	return expect_result(vector, &caught, error_code);
}

int expect_exception_at_cpl3(int vector, void (*fn)(void), uint64_t *error_code)
{
	struct caught_exception caught;

	catch_run(fn, true, &caught);
	return expect_result(vector, &caught, error_code);
}
