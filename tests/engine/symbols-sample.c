/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * symbols-sample.c: a tiny freestanding AArch64 program for test-symbols.
 * Built by the test build with aarch64-linux-gnu-gcc -g -O0 -nostdlib -static;
 * never run. test-symbols finds the lines marked "@line-..." by reading this
 * file, so moving code around is fine.
 */
#include "symbols-sample.h"

struct sample sample_global = { .id = 1, .name = "sample" };
sample_u32 sample_counter = 7;
sample_cv_t *sample_pointer;
static int sample_static = 3;
char sample_buffer[32];
enum sample_color typed_color = SAMPLE_GREEN;
sample_ptr_t typed_ptr = &sample_global;
struct sample_bits typed_bits = { .low = -3, .high = 100, .color = SAMPLE_BLUE };
union sample_either typed_either;
short typed_grid[2][3][4];

int sample_leaf (int x);

int
sample_leaf (int x)
{
  return x * 2 + sample_static;
}

int
sample_add (int a,
            int b)
{
  int sum = sample_leaf (a);       /* @line-add-call */
  return sum + b;                  /* @line-add-return */
}

/* In a section of its own, so that the CU has DW_AT_ranges instead of low/high pc. */
__attribute__ ((section (".text.other"), noinline)) int
sample_other (int x)
{
  return x + 1;                    /* @line-other */
}

int
main (void)
{
  sample_global.inner.a = sample_add (2, 3);   /* @line-main */
  sample_global.ready = 1;
  return sample_other (sample_global.id) + sample_counter + sample_buffer[0] + typed_color
         + typed_ptr->id + typed_bits.low + typed_either.i + typed_grid[1][2][3];
}
