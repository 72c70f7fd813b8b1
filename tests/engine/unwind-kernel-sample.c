/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * unwind-kernel-sample.c: a kernel-shaped call chain for test-unwind, with the names of the
 * path a task asleep in nanosleep(2) has on arm64 Linux: el0t_64_sync (assembly, no CFI) →
 * el0t_64_sync_handler → el0_svc → do_el0_svc → el0_svc_common → invoke_syscall (an indirect
 * call) → __arm64_sys_nanosleep → hrtimer_nanosleep → do_nanosleep → schedule → __schedule →
 * __switch_to → cpu_switch_to (assembly, in unwind-kernel-entry.S). Built for AArch64 by
 * tests/engine/meson.build with frame pointers and .debug_frame, as a kernel is; never run. The stack unwinder's cases walk
 * it without the board's 273 MB vmlinux.
 */

typedef long (*syscall_fn) (long);

volatile long unwind_kernel_sink;

void cpu_switch_to (void);
void el0t_64_sync (void);
void el0t_64_sync_handler (void);

__attribute__ ((noinline)) void
__switch_to (void)
{
  cpu_switch_to ();
  unwind_kernel_sink++;
}

__attribute__ ((noinline)) void
__schedule (void)
{
  __switch_to ();
  unwind_kernel_sink++;
}

__attribute__ ((noinline)) void
schedule (void)
{
  __schedule ();
  unwind_kernel_sink++;
}

__attribute__ ((noinline)) long
do_nanosleep (long t)
{
  schedule ();
  return t + unwind_kernel_sink;
}

__attribute__ ((noinline)) long
hrtimer_nanosleep (long t)
{
  return do_nanosleep (t) + 1;
}

__attribute__ ((noinline)) long
__arm64_sys_nanosleep (long t)
{
  return hrtimer_nanosleep (t) + 2;
}

static syscall_fn volatile syscall_table[] = { __arm64_sys_nanosleep };

__attribute__ ((noinline)) long
invoke_syscall (long n)
{
  return syscall_table[0] (n) + 3;
}

__attribute__ ((noinline)) long
el0_svc_common (long n)
{
  return invoke_syscall (n) + 4;
}

__attribute__ ((noinline)) void
do_el0_svc (void)
{
  unwind_kernel_sink += el0_svc_common (unwind_kernel_sink);
}

__attribute__ ((noinline)) void
el0_svc (void)
{
  do_el0_svc ();
  unwind_kernel_sink++;
}

__attribute__ ((noinline)) void
el0t_64_sync_handler (void)
{
  el0_svc ();
  unwind_kernel_sink++;
}

int
main (void)
{
  el0t_64_sync ();
  return 0;
}
