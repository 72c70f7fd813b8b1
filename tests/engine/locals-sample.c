/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * locals-sample.c: parameters and locals where -O2 puts them, for test-dwarf-scope. Built for
 * AArch64 by tests/engine/meson.build with -O2 -g (DWARF 4 and 5) as a kernel is; never run.
 * In keeper(), at its call to leaf(): `total` is live across the call (a callee-saved register
 * or the stack), `n` is dead after the call (an entry value, or nothing), `scratch` lives
 * only before it. stacky()'s `buffer` has its address taken, so it is on the stack, and
 * `first`, a call's result used once, is lost by its call to fill(): optimised out there.
 */

struct pair
{
  long a, b;
};

volatile long locals_sample_sink;

/* noipa: without it GCC knows leaf() spares x4 and keeps `total` there. */
__attribute__ ((noipa)) long
leaf (long x, long y)
{
  locals_sample_sink = x;
  return x + y;
}

__attribute__ ((noinline)) long
keeper (long n, struct pair *p)
{
  long total = n * 3 + p->b;
  long scratch = n ^ 0x55;

  locals_sample_sink = scratch;
  {
    long inner = total - 1;

    total += leaf (inner, p->a);
  }
  locals_sample_sink = total;
  return total;
}

__attribute__ ((noipa)) void
fill (char *buffer, unsigned long len)
{
  for (unsigned long i = 0; i < len; i++)
    buffer[i] = (char) i;
}

__attribute__ ((noinline)) long
stacky (int count)
{
  char buffer[24];
  long sum = 0;
  long first = leaf (count, 1);

  locals_sample_sink = first;
  fill (buffer, sizeof buffer);
  for (int i = 0; i < count && i < 24; i++)
    sum += buffer[i];
  return sum;
}

int
main (void)
{
  struct pair p = { 1, 2 };

  return (int) (keeper (4, &p) + stacky (3));
}
