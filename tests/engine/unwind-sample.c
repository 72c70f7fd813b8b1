/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unwind-sample.c: a call chain main → a → b → c for test-unwind, built for AArch64 by
 * tests/engine/meson.build with -O0 -fno-omit-frame-pointer (with and without CFI). It is
 * never run: the test lays out the stack c() would have and unwinds it. c() is a leaf, so
 * GCC gives it no frame record; a(), b() and main() push {x29, x30} at the bottom of their
 * frames.
 */

volatile int unwind_sample_sink;

__attribute__ ((noinline)) void
c (int x)
{
  int values[4];

  values[x & 3] = x;
  unwind_sample_sink = values[1];
}

__attribute__ ((noinline)) void
b (int x)
{
  c (x * 2);
  unwind_sample_sink += 1;
}

__attribute__ ((noinline)) void
a (int x)
{
  b (x + 3);
  unwind_sample_sink += 2;
}

int
main (void)
{
  a (1);
  return 0;
}
