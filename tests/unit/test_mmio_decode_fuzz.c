/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz smoke test of the MOV decoder: random and mutated byte strings, exact-size heap buffers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "x86/guest/mmio_decode.h"
#include "harness.h"

#define ROUNDS 200000

/* xorshift64*: deterministic, so a failure repeats with the same inputs. */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545F4914F6CDD1Dull;
}

/* Bytes a MOV decoder cares about, so that random strings reach deep into it. */
static const uint8_t interesting[] = { 0x66, 0x67, 0x2E, 0x3E, 0x26, 0x36, 0x64, 0x65, 0xF0,
				       0xF2, 0xF3, 0x40, 0x41, 0x44, 0x48, 0x4C, 0x4F, 0x88,
				       0x89, 0x8A, 0x8B, 0xC6, 0xC7, 0xA0, 0xA1, 0xA2, 0xA3,
				       0x0F, 0xB6, 0xB7, 0x04, 0x05, 0x24, 0x44, 0x84, 0xFF };

static uint8_t random_byte(uint64_t *state)
{
	uint64_t r = next_random(state);

	return (r & 1) ? interesting[(r >> 8) % sizeof(interesting)] : (uint8_t)(r >> 16);
}

/* What any successful decode must satisfy, whatever the bytes were. */
static bool decoded_sanely(const struct mmio_insn *insn, size_t len)
{
	bool size_ok = insn->size == 1 || insn->size == 2 || insn->size == 4 || insn->size == 8;

	return insn->length >= 1 && insn->length <= len && size_ok && insn->reg < 16 &&
	       (!insn->high_byte || (insn->reg >= 4 && insn->reg <= 7 && insn->size == 1));
}

TEST(random_bytes_never_overrun_and_decode_sanely)
{
	uint64_t state = 0x9E3779B97F4A7C15ull;
	static const int modes[] = { 64, 32, 16 };
	unsigned bad = 0, decoded = 0;

	for (int round = 0; round < ROUNDS; round++) {
		size_t len = next_random(&state) % (MMIO_INSN_MAX_LEN + 1);
		uint8_t *bytes =
			malloc(len ? len : 1); /* exactly len: reading past it trips ASan */
		struct mmio_insn insn;
		const char *why = NULL;

		for (size_t i = 0; i < len; i++)
			bytes[i] = random_byte(&state);
		int mode = modes[next_random(&state) % 3];
		if (mmio_decode(bytes, len, mode, &insn, &why) == 0) {
			decoded++;
			bad += !decoded_sanely(&insn, len);
		} else {
			bad += why == NULL;
		}
		free(bytes);
	}
	EXPECT_EQ(bad, 0);
	EXPECT_TRUE(decoded > ROUNDS / 100); /* the inputs do reach the decoder's accept paths */
}
