/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-board-breakpoints.c: breakpoints and run control against the board: at guest kernel
 * functions, for one machine, one task, a condition, in Xen; steps of a task scheduled out; a
 * sleeping task's registers changed; and breakpoints that outlive a detach.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "hs-guest-model.h"
#include "hs-test-util.h"
#include "test-board.h"

/* A breakpoint at a guest kernel function stops the board there; the stop names it, the
 * current context becomes the task that hit it, and memory never shows a planted BRK. */
static void
test_breakpoint (void)
{
  g_autofree char *set = NULL;
  g_autofree char *list = NULL;
  g_autofree char *frames = NULL;
  g_autofree char *code = NULL;
  g_autofree char *gone = NULL;
  const HsStopEvent *stop;
  HsBreakpoint *bp;
  HsTask *task;
  guint64 pc;

  ensure_halted ();
  set = run_ok ("Break.Set 2:::schedule_hrtimeout_range /MACHINE 2");
  g_assert_nonnull (strstr (set, "schedule_hrtimeout_range"));
  g_assert_nonnull (strstr (set, "machine 2, any task"));
  g_assert_cmpuint (g_list_model_get_n_items (hs_engine_get_breakpoints (engine)), ==, 1);
  bp = hs_engine_get_breakpoint (engine, 1);
  g_assert_nonnull (bp);
  g_assert_cmpint (hs_breakpoint_get_machine_scope (bp), ==, 2);

  /* Both guests' tickers and counters poll with a timeout within a second. */
  g_free (run_ok ("Go"));
  g_free (run_ok ("WAIT !STATE.RUN() 20.s"));
  g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_HALTED);
  stop = hs_engine_get_last_stop (engine);
  g_assert_cmpint (stop->reason, ==, HS_STOP_REASON_BREAKPOINT);
  pc = reg (stop->core, "pc");
  g_assert_cmphex (pc, ==, hs_breakpoint_get_address (bp)->offset);
  g_assert_true (hs_engine_get_last_breakpoint (engine) == bp
                 || hs_engine_get_core_machine (engine, stop->core) != 2);
  task = hs_engine_get_current_task (engine);
  g_assert_nonnull (task);
  g_assert_cmpint (hs_task_get_core (task), ==, (gint) stop->core);
  g_assert_cmpuint (hs_engine_get_current_machine (engine), ==, hs_task_get_machine (task));

  /* Without options, Frame.view shows the current context: the task at the breakpoint. */
  frames = run_ok ("Frame.view");
  g_test_message ("%s", frames);
  g_assert_nonnull (strstr (frames, "#0  "));
  g_assert_nonnull (strstr (frames, "schedule_hrtimeout_range+0x0 "));

  /* Lifted at the halt: the first instruction is the kernel's own, not the stub's BRK. */
  code = run_ok ("Data.List 2:::schedule_hrtimeout_range /Length 4");
  g_assert_null (strstr (code, "brk"));

  list = run_ok ("Break.List");
  g_assert_nonnull (strstr (list, "  1 on  program  2:::"));
  /* Resuming from the breakpoint steps off it first instead of stopping on it again. */
  g_free (run_ok ("Break.DISable /Id 1"));
  g_free (run_ok ("Go"));
  g_free (run_ok ("Break"));
  g_free (run_ok ("Break.Delete"));
  gone = run_ok ("Break.List");
  g_assert_nonnull (strstr (gone, "no breakpoints"));

  /* A session keeps breakpoints with their scopes: saved, deleted, and back with DO. */
  {
    g_autofree char *dir = g_dir_make_tmp ("hs-session-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "session.cmm", NULL);
    g_autofree char *cmd = NULL;
    g_autofree char *text = NULL;
    g_autofree char *restored = NULL;
    HsBreakpoint *again;

    g_free (run_ok ("Break.Set 1:::do_select /MACHINE 1 /TASK linux1_ticker"));
    g_free (run_ok ("Break.Set 0:::leave_hypervisor_to_guest"));
    g_free (run_ok ("Break.DISable 0:::leave_hypervisor_to_guest"));
    cmd = g_strdup_printf ("SESSion.Save %s", path);
    g_free (run_ok (cmd));
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    g_test_message ("%s", text);
    g_free (run_ok ("Break.Delete"));
    g_free (cmd);
    cmd = g_strdup_printf ("DO %s", path);
    restored = run_ok (cmd);
    g_assert_null (strstr (restored, "error:"));
    g_assert_cmpuint (g_list_model_get_n_items (hs_engine_get_breakpoints (engine)), ==, 2);
    again = g_list_model_get_item (hs_engine_get_breakpoints (engine), 0);
    g_assert_cmpint (hs_breakpoint_get_machine_scope (again), ==, 1);
    g_assert_cmpstr (hs_breakpoint_get_task_name (again), ==, "linux1_ticker");
    g_assert_cmpstr (hs_breakpoint_get_symbol (again), ==, "do_select");
    g_object_unref (again);
    again = g_list_model_get_item (hs_engine_get_breakpoints (engine), 1);
    g_assert_false (hs_breakpoint_get_enabled (again));
    g_object_unref (again);
    g_free (run_ok ("Break.Delete"));
    g_unlink (path);
    g_rmdir (dir);
  }
}

/* A breakpoint for one task stops only in that task: the same function called by the other
 * tasks of its guest and by the other guest (they share the kernel's layout) is stepped past
 * and counted. Every task of both guests goes through schedule(); the ticker once in 10 s. */
static void
test_task_breakpoint (void)
{
  g_autofree char *set = NULL;
  g_autofree char *waited = NULL;
  g_autofree char *list = NULL;
  HsBreakpoint *bp;
  HsTask *task;
  const HsStopEvent *stop;

  ensure_tasks ();
  set = run_ok ("Break.Set 1:::schedule /TASK linux1_ticker");
  g_assert_nonnull (strstr (set, "[machine 1, task linux1_ticker (pid "));
  g_assert_cmpuint (g_list_model_get_n_items (hs_engine_get_breakpoints (engine)), ==, 1);
  bp = g_list_model_get_item (hs_engine_get_breakpoints (engine), 0);
  g_object_unref (bp);  /* the store keeps it */
  g_free (run_ok ("Go"));
  waited = run_ok ("WAIT !STATE.RUN() 40.s");
  g_test_message ("%s", waited);
  g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_HALTED);
  stop = hs_engine_get_last_stop (engine);
  g_assert_cmpint (stop->reason, ==, HS_STOP_REASON_BREAKPOINT);
  g_assert_cmpuint (hs_engine_get_core_machine (engine, stop->core), ==, 1);
  task = hs_engine_get_current_task (engine);
  g_assert_nonnull (task);
  g_assert_cmpstr (hs_task_get_name (task), ==, "linux1_ticker");
  g_assert_nonnull (strstr (waited, "stopped at 1:::0x"));
  g_assert_nonnull (strstr (waited, " schedule "));
  g_assert_nonnull (strstr (waited, "task linux1_ticker (pid "));
  g_assert_true (hs_engine_get_last_breakpoint (engine) == bp);
  g_assert_cmpuint (hs_breakpoint_get_hits (bp), ==, 1);
  /* The counters sleep every 0.6 s, kernel threads more often: others hit it first. */
  g_assert_cmpuint (hs_breakpoint_get_filtered_hits (bp), >, 0);
  list = run_ok ("Break.List");
  g_test_message ("%s", list);
  g_free (run_ok ("Break.Delete"));
}

/* Both guests' counters idle in nanosleep(2) every second, through the same kernel code at the
 * same addresses: a breakpoint for machine 2 stops only in machine 2, and machine 1's calls are
 * stepped past and counted. */
static void
test_machine_breakpoint (void)
{
  HsBreakpoint *bp;
  guint rounds = 0;

  ensure_halted ();
  g_free (run_ok ("Break.Set 2:::hrtimer_nanosleep /MACHINE 2"));
  bp = g_list_model_get_item (hs_engine_get_breakpoints (engine), 0);
  g_object_unref (bp);  /* the store keeps it */
  do
    {
      g_autofree char *waited = NULL;
      const HsStopEvent *stop;

      g_free (run_ok ("Go"));
      waited = run_ok ("WAIT !STATE.RUN() 20.s");
      g_test_message ("%s", waited);
      g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_HALTED);
      stop = hs_engine_get_last_stop (engine);
      g_assert_cmpint (stop->reason, ==, HS_STOP_REASON_BREAKPOINT);
      g_assert_cmpuint (hs_engine_get_core_machine (engine, stop->core), ==, 2);
      g_assert_nonnull (strstr (waited, "stopped at 2:::0x"));
      g_assert_nonnull (strstr (waited, " hrtimer_nanosleep "));
      g_assert_nonnull (strstr (waited, "machine 2 (linux2)"));
    }
  while (hs_breakpoint_get_filtered_hits (bp) == 0 && ++rounds < 6);
  g_test_message ("hits %u, filtered %u", hs_breakpoint_get_hits (bp),
                  hs_breakpoint_get_filtered_hits (bp));
  g_assert_cmpuint (hs_breakpoint_get_filtered_hits (bp), >, 0);
  g_free (run_ok ("Break.Delete"));

  /* From there, in that task: a source line into, one over, and back to the caller. */
  {
    HsTask *task = hs_engine_get_current_task (engine);
    gint pid = hs_task_get_pid (task);
    g_autofree char *into = run_ok ("Step.Hll");
    g_autofree char *over = run_ok ("Step.Over /Hll");
    g_autofree char *up = NULL;

    g_test_message ("%s%s", into, over);
    g_assert_nonnull (strstr (into, "kernel/time/hrtimer.c:"));
    g_assert_nonnull (strstr (into, " hrtimer_nanosleep+0x"));
    g_assert_nonnull (strstr (over, "kernel/time/hrtimer.c:"));
    g_assert_cmpint (hs_task_get_pid (hs_engine_get_current_task (engine)), ==, pid);
    up = run_ok ("Go.Up");
    g_assert_nonnull (strstr (up, "until the return to 2:::0x"));
    g_free (run_ok ("WAIT !STATE.RUN() 20.s"));
    g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_HALTED);
    /* The sleep returned into its caller, in the same task, whichever other task ran it. */
    g_assert_nonnull (hs_engine_get_current_task (engine));
    g_assert_cmpint (hs_task_get_pid (hs_engine_get_current_task (engine)), ==, pid);
    {
      g_autofree char *stop = hs_engine_describe_stop (engine);

      g_assert_nonnull (strstr (stop, " common_nsleep+0x"));
    }
  }
}

/* A condition is checked at each pass in scope: one that never holds never stops, one that
 * holds stops with the registers it named. do_nanosleep (timer, mode): mode is 1 (relative). */
static void
test_conditional_breakpoint (void)
{
  g_autofree char *waited = NULL;
  g_autofree char *list = NULL;
  const HsStopEvent *stop;

  ensure_halted ();
  g_free (run_ok ("Break.Set 2:::hrtimer_nanosleep /MACHINE 2 /CONDition Register(x0)==0"));
  g_free (run_ok ("Break.Set 2:::do_nanosleep /MACHINE 2 /CONDition Register(x1)==1"));
  g_free (run_ok ("Go"));
  waited = run_ok ("WAIT !STATE.RUN() 20.s");
  g_test_message ("%s", waited);
  stop = hs_engine_get_last_stop (engine);
  g_assert_cmpint (stop->reason, ==, HS_STOP_REASON_BREAKPOINT);
  g_assert_nonnull (strstr (waited, " do_nanosleep "));
  g_assert_cmphex (reg (stop->core, "x1"), ==, 1);
  list = run_ok ("Break.List");
  g_test_message ("%s", list);
  g_assert_nonnull (strstr (list, "if Register(x0)==0]  hits 0,"));
  g_free (run_ok ("Break.Delete"));
}

/* Stepping a task that is scheduled out runs until it is scheduled in (the ticker wakes every
 * 10 s), and says so; the task is then running on a core, where the next step begins. */
static void
test_step_scheduled_out (void)
{
  g_autofree char *selected = NULL;
  g_autofree char *step = NULL;
  HsTask *task;

  ensure_tasks ();
  selected = run_ok ("TASK.select linux1_ticker /MACHINE 1");
  g_assert_nonnull (strstr (selected, "not running"));
  step = run_ok ("Step.Over /Hll");
  g_assert_nonnull (strstr (step, "is not running on any core: running until it is scheduled in"));
  g_free (run_ok ("WAIT !STATE.RUN() 30.s"));
  g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_HALTED);
  task = hs_engine_get_current_task (engine);
  g_assert_nonnull (task);
  g_assert_cmpstr (hs_task_get_name (task), ==, "linux1_ticker");
  g_assert_cmpint (hs_task_get_core (task), >=, 0);
}

/* A breakpoint in Xen stops in machine 0, with no guest task as the context. */
static void
test_xen_breakpoint (void)
{
  g_autofree char *waited = NULL;
  g_autofree char *frames = NULL;
  const HsStopEvent *stop;

  ensure_halted ();
  g_free (run_ok ("Break.Set 0:::leave_hypervisor_to_guest"));
  g_free (run_ok ("Go"));
  waited = run_ok ("WAIT !STATE.RUN() 20.s");
  g_test_message ("%s", waited);
  stop = hs_engine_get_last_stop (engine);
  g_assert_cmpint (stop->reason, ==, HS_STOP_REASON_BREAKPOINT);
  g_assert_cmpint (hs_core_get_exception_level (hs_engine_get_core (engine, stop->core)), ==, 2);
  g_assert_cmpuint (hs_engine_get_current_machine (engine), ==, 0);
  g_assert_null (hs_engine_get_current_task (engine));
  g_assert_nonnull (strstr (waited, "stopped at 0:::0x"));
  g_assert_nonnull (strstr (waited, "leave_hypervisor_to_guest"));
  frames = run_ok ("Frame.view");
  g_assert_nonnull (strstr (frames, "leave_hypervisor_to_guest"));
  g_free (run_ok ("Break.Delete"));
}

/* A sleeping task's saved register, written and read back through its switch context. */
static void
test_register_set_task (void)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *restore = NULL;
  g_autofree char *set = NULL;
  const char *at;
  guint64 original;

  ensure_tasks ();
  /* The ticker sleeps 10 s at a time: let it go back to sleep if a step left it running. */
  for (guint i = 0; i < 10; i++)
    {
      HsTask *ticker = hs_engine_find_task (engine, 1, "linux1_ticker", NULL);

      if (ticker != NULL && hs_task_get_current_vcpu (ticker) < 0)
        break;
      g_free (run_ok ("Go"));
      g_usleep (300 * 1000);
      g_free (run_ok ("Break"));
    }
  before = run_ok ("Register.view /MACHINE 1 /TASK linux1_ticker");
  at = strstr (before, "x20  0x");
  g_assert_nonnull (at);
  original = g_ascii_strtoull (at + 5, NULL, 16);
  set = run_ok ("Register.Set x20 0x1122334455667788 /MACHINE 1 /TASK linux1_ticker");
  g_test_message ("%s", set);
  g_assert_nonnull (strstr (set, "thread.cpu_context"));
  after = run_ok ("Register.view /MACHINE 1 /TASK linux1_ticker");
  g_assert_nonnull (strstr (after, "x20  0x1122334455667788"));
  /* A register the switch context does not keep is refused, saying why. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (run ("Register.Set x0 1 /MACHINE 1 /TASK linux1_ticker", &error));
    g_assert_nonnull (strstr (error->message, "x19-x28, fp, sp and pc"));
  }
  /* Put it back before the ticker runs again. */
  restore = g_strdup_printf ("Register.Set x20 0x%" G_GINT64_MODIFIER "x /MACHINE 1 "
                             "/TASK linux1_ticker", original);
  g_free (run_ok (restore));
}

/* Breakpoints belong to the session, not to the connection: they outlive a detach (the board
 * runs on without them) and are planted again after the next attach. */
/* Runs until the breakpoint on machine 2's hrtimer_nanosleep stops it there, then deletes it. */
void
go_until_machine2_sleeps (void)
{
  g_autofree char *waited = NULL;

  ensure_halted ();
  g_free (run_ok ("Go"));
  waited = run_ok ("WAIT !STATE.RUN() 20.s");
  g_assert_nonnull (strstr (waited, " hrtimer_nanosleep "));
  g_assert_nonnull (strstr (waited, "machine 2 (linux2)"));
  g_free (run_ok ("Break.Delete"));
}

static void
test_breakpoints_survive_reattach (void)
{
  g_autofree char *attach = g_strdup_printf ("SYStem.Attach 127.0.0.1:%u",
                                             hs_board_get_gdb_port (board));
  g_autofree char *list = NULL;

  ensure_halted ();
  g_free (run_ok ("Break.Set 2:::hrtimer_nanosleep /MACHINE 2"));
  g_free (run_ok ("SYStem.Detach"));
  g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_DETACHED);
  list = run_ok ("Break.List");
  g_assert_nonnull (strstr (list, "hrtimer_nanosleep  [machine 2, any task]"));
  g_free (run_ok (attach));
  go_until_machine2_sleeps ();
}

/* With a core inside one guest, the other (inactive) guest still reads right, both ways. */
void
test_board_add_breakpoint_tests (void)
{
  g_test_add_func ("/Hs/Board/breakpoint", test_breakpoint);
  g_test_add_func ("/Hs/Board/task-breakpoint", test_task_breakpoint);
  g_test_add_func ("/Hs/Board/machine-breakpoint", test_machine_breakpoint);
  g_test_add_func ("/Hs/Board/conditional-breakpoint", test_conditional_breakpoint);
  g_test_add_func ("/Hs/Board/xen-breakpoint", test_xen_breakpoint);
  g_test_add_func ("/Hs/Board/step-scheduled-out", test_step_scheduled_out);
  g_test_add_func ("/Hs/Board/register-set-task", test_register_set_task);
  g_test_add_func ("/Hs/Board/breakpoints-survive-reattach", test_breakpoints_survive_reattach);
}
