/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-board-locals.c: Frame.view /Locals on the board: a task stopped at a breakpoint, a
 * sleeping task (its registers from thread.cpu_context, callers' through the CFI), a task on
 * a vCPU Xen has descheduled (Xen's saved registers), and Xen's own frames. The values are checked against what the guests asked for: the counter's
 * `sleep 0.60` (init.sh: idle = 100 - busy centiseconds, busy 40 by default) goes through
 * busybox's nanosleep(), which glibc makes clock_nanosleep(CLOCK_REALTIME, 0, ...), so the
 * kernel's hrtimer_nanosleep() gets 600000000 ns, HRTIMER_MODE_REL and CLOCK_REALTIME; the
 * ticker's `read -t 10` is a ppoll(2), whose hrtimer runs on CLOCK_MONOTONIC.
 */
#define G_LOG_DOMAIN "test-board"

#include "config.h"

#include "test-board.h"

#include <string.h>

/* No variable may have failed for want of an operation or on bytes the evaluator refused. */
static void
assert_no_evaluator_errors (const char *out)
{
  g_assert_null (strstr (out, "malformed"));
  g_assert_null (strstr (out, "not supported"));
}

/* The lines of frame @level in a Frame.view output, up to the next frame. */
static char *
frame_section (const char *out,
               guint       level)
{
  g_autofree char *start_tag = g_strdup_printf ("#%-2u ", level);
  g_autofree char *next_tag = g_strdup_printf ("\n#%-2u ", level + 1);
  const char *start = strstr (out, start_tag);
  const char *end;

  g_assert_nonnull (start);
  end = strstr (start, next_tag);
  return g_strndup (start, end != NULL ? (gsize) (end - start) : strlen (start));
}

static void
test_locals_breakpoint (void)
{
  g_autofree char *out = NULL;
  g_autofree char *frame0 = NULL;

  ensure_halted ();
  g_free (run_ok ("Break.Set 2:::hrtimer_nanosleep /MACHINE 2"));
  go_until_machine2_sleeps ();
  out = run_ok ("Frame.view /Locals");
  g_test_message ("%s", out);
  assert_no_evaluator_errors (out);

  frame0 = frame_section (out, 0);
  g_assert_nonnull (strstr (frame0, " hrtimer_nanosleep+0x0 "));
  g_assert_nonnull (strstr (frame0, "\n    rqtp = 600000000 (ktime_t)\n"));
  g_assert_nonnull (strstr (frame0, "\n    mode = HRTIMER_MODE_REL (const enum hrtimer_mode)\n"));
  g_assert_nonnull (strstr (frame0, "\n    clockid = 0 (const clockid_t)\n"));
  g_assert_nonnull (strstr (frame0, "\n    local t = {timer = {"));

  /* The callers' parameters and locals: the syscall's clock, its timespec on the stack. */
  g_assert_nonnull (strstr (out, " __arm64_sys_clock_nanosleep+0x"));
  g_assert_nonnull (strstr (out, "    which_clock = 0 (const clockid_t) "
                                 "[inlined __do_sys_clock_nanosleep]\n"));
  g_assert_nonnull (strstr (out, "    local t = {tv_sec = 0, tv_nsec = 600000000} "
                                 "(struct timespec64)"));
  /* A pointer to a symbol names it: the clock busybox's sleep asks for. */
  g_assert_nonnull (strstr (out, "    local kc = (const struct k_clock *) 0xffff"));
  g_assert_nonnull (strstr (out, " <clock_realtime> [inlined __do_sys_clock_nanosleep]\n"));
  /* common_nsleep's parameters are dead at its call: entry values, from its caller's call
   * site. */
  g_assert_nonnull (strstr (out, "\n    which_clock = 0 (const clockid_t)\n"));
  g_assert_nonnull (strstr (out, "\n    rqtp = (const struct timespec64 *) 0xffff"));
  /* /Caller, as TRACE32 scripts write it, gives the same. */
  g_free (out);
  out = run_ok ("Frame.view /Locals /Caller");
  g_assert_nonnull (strstr (out, "    clockid = 0 (const clockid_t)\n"));
}

static void
test_locals_sleeping (void)
{
  g_autofree char *out = NULL;
  g_autofree char *frame0 = NULL;

  ensure_halted ();
  out = run_ok ("Frame.view /Locals /MACHINE 1 /TASK linux1_ticker");
  g_test_message ("%s", out);
  assert_no_evaluator_errors (out);
  g_assert_nonnull (strstr (out, "S (sleeping)"));

  /* Frame 0 from thread.cpu_context: __switch_to(prev, next) kept both in x19/x20. */
  frame0 = frame_section (out, 0);
  g_assert_nonnull (strstr (frame0, " __switch_to+0x"));
  /* The task switched out is the ticker itself. */
  {
    HsTask *ticker = hs_engine_find_task (engine, 1, "linux1_ticker", NULL);
    g_autofree char *prev = NULL;

    g_assert_nonnull (ticker);
    prev = g_strdup_printf ("\n    prev = (struct task_struct *) 0x%016" G_GINT64_MODIFIER
                            "x\n", hs_task_get_address (ticker));
    g_assert_nonnull (strstr (frame0, prev));
  }
  /* Its caller's parameter, an entry value found through __schedule's call site. */
  g_assert_nonnull (strstr (out, "\n    sched_mode = 0 (unsigned int)\n"));
  g_assert_nonnull (strstr (frame0, "\n    next = (struct task_struct *) 0xffff"));
  /* A caller's parameters, through registers the CFI recovered. */
  g_assert_nonnull (strstr (out, " schedule_hrtimeout_range_clock+0x"));
  g_assert_nonnull (strstr (out, "\n    clock_id = 1 (clockid_t)\n"));
  g_assert_nonnull (strstr (out, "\n    nfds = 1 (unsigned int)\n"));
  /* What a caller lost says so. */
  g_assert_nonnull (strstr (out, "<entry value unknown>"));
  g_assert_nonnull (strstr (out, "<optimised out>"));
}

/* Whether a core runs inside @machine at this halt. */
static gboolean
machine_on_a_core (guint machine)
{
  for (guint c = 0; c < hs_engine_get_n_cores (engine); c++)
    if (hs_core_get_exception_level (hs_engine_get_core (engine, c)) < 2
        && machine_of_vmid ((guint) (reg (c, "VTTBR_EL2") >> 48)) == machine)
      return TRUE;
  return FALSE;
}

/* A task current on a vCPU that Xen has descheduled: its registers are Xen's saved copy of
 * the vCPU's, every one of them, so frame 0 is the guest's own, in its idle loop or wherever
 * it was. */
static void
test_locals_descheduled_vcpu (void)
{
  for (guint attempt = 0; attempt < 20; attempt++)
    {
      ensure_halted ();
      for (guint m = 1; m <= 2; m++)
        {
          g_autofree char *cmd = NULL;
          g_autofree char *tasks = NULL;
          g_autofree char *out = NULL;
          g_auto(GStrv) lines = NULL;
          const char *pid = NULL;

          if (machine_on_a_core (m))
            continue;
          cmd = g_strdup_printf ("TASK.List /MACHINE %u.", m);
          tasks = run_ok (cmd);
          lines = g_strsplit (tasks, "\n", -1);
          for (guint i = 0; lines[i] != NULL && pid == NULL; i++)
            if (g_str_has_suffix (g_strchomp (lines[i]), "vCPU 0")
                || g_str_has_suffix (lines[i], "vCPU 1"))
              {
                g_auto(GStrv) fields = g_strsplit_set (lines[i], " ", -1);
                guint k = 0;

                /* "  1 linux1   0   0   0  swapper/0 ...": the pid is the third field. */
                for (guint f = 0; fields[f] != NULL; f++)
                  if (*fields[f] != '\0' && ++k == 3)
                    {
                      pid = g_intern_string (fields[f]);
                      break;
                    }
              }
          if (pid == NULL)
            continue;
          g_free (cmd);
          cmd = g_strdup_printf ("Frame.view /Locals /MACHINE %u. /TASK %s", m, pid);
          out = run_ok (cmd);
          g_test_message ("%s", out);
          assert_no_evaluator_errors (out);
          g_assert_nonnull (strstr (out, "current on a vCPU"));
          g_assert_nonnull (strstr (out, "#1 "));
          /* Some variable of some frame has a value. */
          g_assert_true (strstr (out, " = (") != NULL || strstr (out, " = 0") != NULL
                         || strstr (out, " = 1") != NULL);
          return;
        }
      g_free (run_ok ("Go"));
      g_free (run_ok ("WAIT 30.ms"));
      g_free (run_ok ("Break"));
    }
  g_test_skip ("no halt had a guest's vCPU descheduled");
}

static void
test_locals_xen (void)
{
  guint n_xen = 0, n_variables = 0;

  ensure_halted ();
  for (guint c = 0; c < hs_engine_get_n_cores (engine); c++)
    {
      g_autofree char *cmd = g_strdup_printf ("Frame.view /Locals /MACHINE 0 /CORE %u.", c);
      g_autofree char *out = NULL;

      if (hs_core_get_exception_level (hs_engine_get_core (engine, c)) < 2)
        continue;
      out = run_ok (cmd);
      g_test_message ("%s", out);
      assert_no_evaluator_errors (out);
      g_assert_nonnull (strstr (out, "#0  0:::0x"));
      n_xen++;
      if (strstr (out, "\n    ") != NULL && strstr (out, " = ") != NULL)
        n_variables++;
    }
  if (n_xen == 0)
    {
      g_test_skip ("no core was in Xen at this halt");
      return;
    }
  g_assert_cmpuint (n_variables, >, 0);
}

/* Flat names: GTest runs a suite's own cases before its sub-suites, and the last of the
 * board's own cases kill QEMU. */
void
test_board_add_locals_tests (void)
{
  g_test_add_func ("/Hs/Board/locals-breakpoint", test_locals_breakpoint);
  g_test_add_func ("/Hs/Board/locals-sleeping-task", test_locals_sleeping);
  g_test_add_func ("/Hs/Board/locals-descheduled-vcpu", test_locals_descheduled_vcpu);
  g_test_add_func ("/Hs/Board/locals-xen", test_locals_xen);
}
