/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * symbols-sample.h: the types of the small AArch64 program test-symbols reads
 * (symbols-sample.c). test-symbols.c includes it too, so the host compiler
 * computes offsetof/sizeof for comparison: these types use only int, short,
 * long long, char and pointers, whose sizes and alignments are the same in
 * AAPCS64 and the x86-64 SysV ABI (both LP64), so the layouts agree.
 */
#pragma once

typedef unsigned int sample_u32;

struct sample_inner
{
  long long a;
  short b;
};

struct sample
{
  int id;
  union
  {
    sample_u32 flags;
    void *cookie;
  };
  struct
  {
    char tag;
    int level;
  };
  char name[16];
  struct sample_inner inner;
  unsigned int mode : 3;
  unsigned int ready : 1;
  unsigned int level2 : 12;
  int matrix[2][3];
  struct sample *next;
};

typedef struct sample sample_t;
typedef const volatile sample_t sample_cv_t;

/* For the type API and the expression evaluator: enums, a typedef of a pointer to a struct,
 * nested arrays, a signed bit-field. */
enum sample_color
{
  SAMPLE_RED,
  SAMPLE_GREEN = 5,
  SAMPLE_BLUE = -1,
};

typedef struct sample *sample_ptr_t;

struct sample_bits
{
  int low : 4;
  int high : 12;
  enum sample_color color;
  unsigned char bytes[4];
  short grid[2][3];
};

union sample_either
{
  int i;
  unsigned char c[4];
};
