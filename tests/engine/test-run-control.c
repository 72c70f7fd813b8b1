/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-run-control.c: the engine's run control against a scripted fake probe.
 *
 * Attach, Break, Go, breakpoints planted at resume and lifted at a halt, a
 * core resting on a breakpoint, hits outside a breakpoint's scope, /COUNT,
 * /CONDition, breakpoints changed while running, Break racing a resume, the
 * line dropping during a halt, detach: each case scripts what the "target"
 * does and checks what the engine did on the wire and what it reported,
 * without a board.
 */
#include "config.h"

#include <string.h>

#include "hs-fake-probe.h"
#include "hs-test-util.h"

/* Code in Xen's (machine 0's) identity-mapped memory: the fake's cores run at EL2, MMU off. */
#define CODE 0x40002000u

typedef struct
{
  HsFakeProbe *probe;
  HsEngine *engine;
  HsInterp *interp;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  guint32 code[64];

  for (guint i = 0; i < G_N_ELEMENTS (code); i++)
    code[i] = 0xd503201f;   /* NOP */
  f->probe = hs_fake_probe_new (2);
  hs_fake_probe_write (f->probe, CODE, code, sizeof code);
  f->engine = hs_engine_new ();
  f->interp = hs_interp_new (f->engine);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->interp);
  g_clear_object (&f->engine);
  g_clear_object (&f->probe);
}

static void
attach (Fixture *f)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;

  hs_engine_attach_async (f->engine, HS_PROBE (f->probe), NULL, hs_test_store_result, &result);
  g_assert_true (hs_engine_attach_finish (f->engine, hs_test_wait_result (&result, 10), &error));
  g_assert_no_error (error);
  g_object_unref (result);
}

static void
wait_state (Fixture       *f,
            HsEngineState  state,
            guint          seconds)
{
  HsTestState s = { f->engine, state };

  hs_test_wait_until (hs_test_engine_in_state, &s, seconds,
                      hs_engine_state_to_string (state));
}

static gboolean
probe_running (gpointer data)
{
  return hs_fake_probe_is_running (data);
}

static gboolean
probe_stepped_twice (gpointer data)
{
  return hs_fake_probe_count (data, "step") >= 2;
}

static gboolean
probe_resumed_thrice (gpointer data)
{
  return hs_fake_probe_count (data, "resume") >= 3;
}

static gboolean
probe_planted_one (gpointer data)
{
  return hs_fake_probe_get_n_planted (data) == 1;
}

static gboolean
probe_planted_none (gpointer data)
{
  return hs_fake_probe_get_n_planted (data) == 0;
}

static void
count_halt (guint *halts)
{
  (*halts)++;
}

static void
note_detached (HsEngine  *engine,
               GError    *why,
               char     **out)
{
  g_free (*out);
  *out = g_strdup (why ? why->message : "(no reason)");
}

static char *
detach (Fixture  *f,
        GError  **error)
{
  GAsyncResult *result = NULL;
  char *report;

  hs_engine_detach_async (f->engine, NULL, hs_test_store_result, &result);
  report = hs_engine_detach_finish (f->engine, hs_test_wait_result (&result, 20), error);
  g_object_unref (result);
  return report;
}

/* ---- attaching leaves the target as found ----------------------------------------------- */

static void
test_attach_running (Fixture       *f,
                     gconstpointer  data)
{
  hs_fake_probe_set_running (f->probe, TRUE);
  attach (f);
  g_assert_cmpint (hs_engine_get_state (f->engine), ==, HS_ENGINE_STATE_RUNNING);
  /* QEMU stopped it for us to connect; the engine lets it go on. */
  hs_test_wait_until (probe_running, f->probe, 5, "the target to run again");
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "resume"), ==, 1);
}

static void
test_attach_halted (Fixture       *f,
                    gconstpointer  data)
{
  attach (f);
  g_assert_cmpint (hs_engine_get_state (f->engine), ==, HS_ENGINE_STATE_HALTED);
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "resume"), ==, 0);
  g_assert_false (hs_fake_probe_is_running (f->probe));
}

/* ---- a slow halt waits, visibly, and can be given up ------------------------------------ */

static gboolean
waiting_for_halt (gpointer data)
{
  return hs_engine_get_waiting_for_halt (data);
}

static void
test_slow_halt_waits (Fixture       *f,
                      gconstpointer  data)
{
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  hs_fake_probe_set_running (f->probe, TRUE);
  attach (f);
  hs_test_wait_until (probe_running, f->probe, 5, "the target to run again");
  /* Longer than any deadline a halt used to have in the GUI's eyes: 6 s. */
  hs_fake_probe_set_halt_delay (f->probe, 6000);
  start = g_get_monotonic_time ();
  hs_engine_halt_async (f->engine, NULL, hs_test_store_result, &result);
  hs_test_wait_until (waiting_for_halt, f->engine, 5, "the halt to be shown as waiting");
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 900 * G_TIME_SPAN_MILLISECOND);
  g_assert_null (result);
  g_assert_true (hs_engine_halt_finish (f->engine, hs_test_wait_result (&result, 20), &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 5900 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (hs_engine_get_state (f->engine), ==, HS_ENGINE_STATE_HALTED);
  g_assert_false (hs_engine_get_waiting_for_halt (f->engine));
  g_object_unref (result);
}

static void
test_slow_halt_cancelled (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;

  hs_fake_probe_set_running (f->probe, TRUE);
  attach (f);
  hs_test_wait_until (probe_running, f->probe, 5, "the target to run again");
  hs_fake_probe_set_halt_delay (f->probe, 2500);
  hs_engine_halt_async (f->engine, cancellable, hs_test_store_result, &result);
  hs_test_wait_until (waiting_for_halt, f->engine, 5, "the halt to be shown as waiting");
  g_cancellable_cancel (cancellable);
  g_assert_false (hs_engine_halt_finish (f->engine, hs_test_wait_result (&result, 5), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Given up waiting; the Break was sent all the same, and its halt is a halt. */
  g_assert_false (hs_engine_get_waiting_for_halt (f->engine));
  g_assert_cmpint (hs_engine_get_state (f->engine), ==, HS_ENGINE_STATE_RUNNING);
  wait_state (f, HS_ENGINE_STATE_HALTED, 10);
  g_object_unref (result);
}

/* ---- breakpoints are in the target only while it runs ----------------------------------- */

static void
test_breakpoint_lifted_at_halt (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *out = NULL;

  attach (f);
  g_free (hs_test_run_ok (f->interp, "Break.Set 0:::0x40002010"));
  /* Halted: nothing is planted yet. */
  g_assert_cmpuint (hs_fake_probe_get_n_planted (f->probe), ==, 0);
  hs_fake_probe_queue_stop (f->probe, 50, 1, HS_STOP_REASON_BREAKPOINT, CODE + 0x10);
  g_free (hs_test_run_ok (f->interp, "Go"));
  hs_test_wait_until (probe_running, f->probe, 5, "the target to run");
  g_assert_cmpuint (hs_fake_probe_get_n_planted (f->probe), ==, 1);
  g_assert_cmphex (hs_fake_probe_read_word (f->probe, CODE + 0x10), ==, HS_FAKE_BRK);
  out = hs_test_run_ok (f->interp, "WAIT !STATE.RUN() 5.s");
  g_assert_nonnull (strstr (out, "breakpoint 1"));
  /* Lifted before anything was read: memory never showed the BRK to the views. */
  g_assert_cmpuint (hs_fake_probe_get_n_planted (f->probe), ==, 0);
  g_assert_cmphex (hs_fake_probe_read_word (f->probe, CODE + 0x10), ==, 0xd503201f);
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "read-while-planted"), ==, 0);
  g_assert_cmpuint (hs_engine_get_current_core (f->engine), ==, 1);
}

/* ---- breakpoints while running: resting cores, scopes, counts, conditions --------------- */

static guint
bp_stat (Fixture    *f,
         guint       position,
         const char *what)
{
  g_autoptr(HsBreakpoint) bp = g_list_model_get_item (hs_engine_get_breakpoints (f->engine),
                                                      position);

  g_assert_nonnull (bp);
  if (g_str_equal (what, "hits"))
    return hs_breakpoint_get_hits (bp);
  if (g_str_equal (what, "filtered"))
    return hs_breakpoint_get_filtered_hits (bp);
  g_assert_true (g_str_equal (what, "passes"));
  return hs_breakpoint_get_passes (bp);
}

static void
go_and_wait_halt (Fixture    *f,
                  const char *expect)
{
  g_autofree char *out = NULL;

  g_free (hs_test_run_ok (f->interp, "Go"));
  out = hs_test_run_ok (f->interp, "WAIT !STATE.RUN() 5.s");
  g_assert_cmpint (hs_engine_get_state (f->engine), ==, HS_ENGINE_STATE_HALTED);
  if (expect != NULL && strstr (out, expect) == NULL)
    g_error ("'%s' does not say '%s'", out, expect);
}

/* A core that halted on a breakpoint would trap on it again at once: Go steps it off first,
 * with the breakpoint out, and only then plants and resumes. */
static void
test_resting_core_stepped_off (Fixture       *f,
                               gconstpointer  data)
{
  hs_fake_probe_set_register (f->probe, 1, "pc", CODE + 0x10);
  attach (f);
  g_free (hs_test_run_ok (f->interp, "Break.Set 0:::0x40002010"));
  hs_fake_probe_queue_stop (f->probe, 50, 0, HS_STOP_REASON_BREAKPOINT, CODE + 0x10);
  go_and_wait_halt (f, "breakpoint 1");
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "step"), ==, 1);
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "step-onto-brk"), ==, 0);
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "resume-onto-brk"), ==, 0);
  g_assert_cmphex (hs_fake_probe_get_register (f->probe, 1, "pc"), ==, CODE + 0x14);
  g_assert_cmpuint (hs_engine_get_current_core (f->engine), ==, 0);
  g_assert_cmpuint (bp_stat (f, 0, "hits"), ==, 1);
}

/* Hits outside a breakpoint's scope (here a task no machine 0 runs) are stepped past without
 * the views knowing, and counted as filtered. */
static void
test_filtered_hits_stepped_past (Fixture       *f,
                                 gconstpointer  data)
{
  GAsyncResult *result = NULL;

  attach (f);
  g_free (hs_test_run_ok (f->interp, "Break.Set 0:::0x40002010 /TASK nosuch"));
  hs_fake_probe_queue_stop (f->probe, 20, 0, HS_STOP_REASON_BREAKPOINT, CODE + 0x10);
  hs_fake_probe_queue_stop (f->probe, 20, 1, HS_STOP_REASON_BREAKPOINT, CODE + 0x10);
  g_free (hs_test_run_ok (f->interp, "Go"));
  /* Both scripted hits happen and are passed (two steps, three resumes) while the engine
   * says the target runs. */
  hs_test_wait_until (probe_stepped_twice, f->probe, 5, "two filtered hits");
  hs_test_wait_until (probe_resumed_thrice, f->probe, 5, "the target to run on");
  hs_test_wait_until (probe_running, f->probe, 5, "the target to run on");
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "resume"), ==, 3);
  g_assert_cmpint (hs_engine_get_state (f->engine), ==, HS_ENGINE_STATE_RUNNING);
  hs_engine_halt_async (f->engine, NULL, hs_test_store_result, &result);
  g_assert_true (hs_engine_halt_finish (f->engine, hs_test_wait_result (&result, 5), NULL));
  g_object_unref (result);
  g_assert_cmpuint (bp_stat (f, 0, "filtered"), ==, 2);
  g_assert_cmpuint (bp_stat (f, 0, "hits"), ==, 0);
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "read-while-planted"), ==, 0);
  g_assert_cmpuint (hs_fake_probe_get_n_planted (f->probe), ==, 0);
}

/* /COUNT 3: the first two passes go on; the third stops. */
static void
test_count (Fixture       *f,
            gconstpointer  data)
{
  attach (f);
  g_free (hs_test_run_ok (f->interp, "Break.Set 0:::0x40002010 /COUNT 3"));
  for (guint i = 0; i < 3; i++)
    hs_fake_probe_queue_stop (f->probe, 20, 0, HS_STOP_REASON_BREAKPOINT, CODE + 0x10);
  go_and_wait_halt (f, "breakpoint 1");
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "resume"), ==, 3);
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "step"), ==, 2);
  g_assert_cmpuint (bp_stat (f, 0, "hits"), ==, 1);
  g_assert_cmpuint (bp_stat (f, 0, "filtered"), ==, 0);
  /* The count starts again: two more passes go on, the third stops. */
  g_assert_cmpuint (bp_stat (f, 0, "passes"), ==, 0);
  for (guint i = 0; i < 3; i++)
    hs_fake_probe_queue_stop (f->probe, 20, 0, HS_STOP_REASON_BREAKPOINT, CODE + 0x10);
  go_and_wait_halt (f, "breakpoint 1");
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "resume"), ==, 6);
  g_assert_cmpuint (bp_stat (f, 0, "hits"), ==, 2);
}

/* /CONDition: evaluated at each pass with the hitting core's registers; a pass where it is
 * false goes on. */
static void
test_condition (Fixture       *f,
                gconstpointer  data)
{
  hs_fake_probe_set_register (f->probe, 0, "x0", 1);
  hs_fake_probe_set_register (f->probe, 1, "x0", 5);
  attach (f);
  g_free (hs_test_run_ok (f->interp, "Break.Set 0:::0x40002010 /CONDition Register(x0)==5"));
  hs_fake_probe_queue_stop (f->probe, 20, 0, HS_STOP_REASON_BREAKPOINT, CODE + 0x10);
  hs_fake_probe_queue_stop (f->probe, 20, 1, HS_STOP_REASON_BREAKPOINT, CODE + 0x10);
  go_and_wait_halt (f, "breakpoint 1");
  g_assert_cmpuint (hs_engine_get_current_core (f->engine), ==, 1);
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "step"), ==, 1);
  g_assert_cmpuint (bp_stat (f, 0, "hits"), ==, 1);
}

/* Breakpoints set and deleted while the target runs are planted and lifted then, without a
 * halt anyone sees. */
static void
test_changed_while_running (Fixture       *f,
                            gconstpointer  data)
{
  guint halts = 0;
  gulong id;

  attach (f);
  id = g_signal_connect_swapped (f->engine, "halted", G_CALLBACK (count_halt), &halts);
  g_free (hs_test_run_ok (f->interp, "Go"));
  hs_test_wait_until (probe_running, f->probe, 5, "the target to run");
  g_free (hs_test_run_ok (f->interp, "Break.Set 0:::0x40002010"));
  hs_test_wait_until (probe_planted_one, f->probe, 5, "the breakpoint planted while running");
  hs_test_wait_until (probe_running, f->probe, 5, "the target to run on");
  g_assert_cmphex (hs_fake_probe_read_word (f->probe, CODE + 0x10), ==, HS_FAKE_BRK);
  g_free (hs_test_run_ok (f->interp, "Break.Delete"));
  hs_test_wait_until (probe_planted_none, f->probe, 5, "the breakpoint lifted while running");
  hs_test_wait_until (probe_running, f->probe, 5, "the target to run on");
  g_assert_cmphex (hs_fake_probe_read_word (f->probe, CODE + 0x10), ==, 0xd503201f);
  g_assert_cmpint (hs_engine_get_state (f->engine), ==, HS_ENGINE_STATE_RUNNING);
  g_assert_cmpuint (halts, ==, 0);
  g_signal_handler_disconnect (f->engine, id);
}

/* Break right behind Go, before the resume has reached the wire: the target ends halted,
 * both complete, nothing is left planted. */
static void
test_break_races_resume (Fixture       *f,
                         gconstpointer  data)
{
  GAsyncResult *go = NULL, *halt = NULL;
  g_autoptr(GError) error = NULL;

  attach (f);
  g_free (hs_test_run_ok (f->interp, "Break.Set 0:::0x40002010"));
  hs_engine_go_async (f->engine, NULL, hs_test_store_result, &go);
  hs_engine_halt_async (f->engine, NULL, hs_test_store_result, &halt);
  g_assert_true (hs_engine_go_finish (f->engine, hs_test_wait_result (&go, 5), &error));
  g_assert_no_error (error);
  g_assert_true (hs_engine_halt_finish (f->engine, hs_test_wait_result (&halt, 5), &error));
  g_assert_no_error (error);
  g_assert_cmpint (hs_engine_get_state (f->engine), ==, HS_ENGINE_STATE_HALTED);
  g_assert_false (hs_fake_probe_is_running (f->probe));
  /* The target only runs once the resume is on the wire: an interrupt sent before it is
   * ignored (as QEMU does), so the engine must interrupt again after resuming. */
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "resume"), ==, 1);
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "interrupt"), >=, 1);
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "stop"), ==, 1);
  g_assert_cmpuint (hs_fake_probe_get_n_planted (f->probe), ==, 0);
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "read-while-planted"), ==, 0);
  g_object_unref (go);
  g_object_unref (halt);
}

/* The line drops while a halt's registers are read: the engine says why and is detached, the
 * breakpoints stay for the next attach, and commands say "not attached". */
static void
test_lost_during_halt (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *why = NULL;
  gulong id;

  attach (f);
  g_free (hs_test_run_ok (f->interp, "Break.Set 0:::0x40002010"));
  id = g_signal_connect (f->engine, "detached", G_CALLBACK (note_detached), &why);
  hs_fake_probe_queue_stop (f->probe, 200, 0, HS_STOP_REASON_BREAKPOINT, CODE + 0x10);
  /* Running reads nothing: the third read is the halt's. */
  hs_fake_probe_drop_at_read (f->probe, 3);
  g_free (hs_test_run_ok (f->interp, "Go"));
  wait_state (f, HS_ENGINE_STATE_DETACHED, 5);
  g_assert_nonnull (why);
  g_assert_nonnull (strstr (why, "lost the connection"));
  g_assert_cmpuint (g_list_model_get_n_items (hs_engine_get_breakpoints (f->engine)), ==, 1);
  g_assert_null (hs_test_run (f->interp, "Register.view", &error));
  g_assert_error (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_ATTACHED);
  g_signal_handler_disconnect (f->engine, id);
}

/* ---- leaving: the target runs, with nothing of ours in it ------------------------------- */

static void
test_detach_halted (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;

  attach (f);
  report = detach (f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (report, "the target runs"));
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "detach"), ==, 1);
  g_assert_true (hs_fake_probe_is_running (f->probe));
  g_assert_cmpint (hs_engine_get_state (f->engine), ==, HS_ENGINE_STATE_DETACHED);
}

static void
test_detach_running (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;

  attach (f);
  g_free (hs_test_run_ok (f->interp, "Break.Set 0:::0x40002010"));
  g_free (hs_test_run_ok (f->interp, "Go"));
  hs_test_wait_until (probe_running, f->probe, 5, "the target to run");
  g_assert_cmpuint (hs_fake_probe_get_n_planted (f->probe), ==, 1);
  /* Running with a breakpoint planted: detaching halts, lifts it, and lets the target go. */
  report = detach (f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (report, "the target runs"));
  g_assert_cmpuint (hs_fake_probe_count (f->probe, "interrupt"), ==, 1);
  g_assert_cmpuint (hs_fake_probe_get_n_planted (f->probe), ==, 0);
  g_assert_cmphex (hs_fake_probe_read_word (f->probe, CODE + 0x10), ==, 0xd503201f);
  g_assert_true (hs_fake_probe_is_running (f->probe));
  /* The breakpoint outlives the detach, for the next attach. */
  g_assert_cmpuint (g_list_model_get_n_items (hs_engine_get_breakpoints (f->engine)), ==, 1);
}

static void
test_detach_refused (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;

  hs_fake_probe_set_refuse_detach (f->probe, TRUE);
  attach (f);
  report = detach (f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (report, "the target runs"));
  g_assert_nonnull (strstr (report, "refused"));
  g_assert_true (hs_fake_probe_is_running (f->probe));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/Hs/RunControl/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("attach-running", test_attach_running);
  ADD ("attach-halted", test_attach_halted);
  ADD ("slow-halt-waits", test_slow_halt_waits);
  ADD ("slow-halt-cancelled", test_slow_halt_cancelled);
  ADD ("breakpoint-lifted-at-halt", test_breakpoint_lifted_at_halt);
  ADD ("resting-core-stepped-off", test_resting_core_stepped_off);
  ADD ("filtered-hits-stepped-past", test_filtered_hits_stepped_past);
  ADD ("count", test_count);
  ADD ("condition", test_condition);
  ADD ("changed-while-running", test_changed_while_running);
  ADD ("break-races-resume", test_break_races_resume);
  ADD ("lost-during-halt", test_lost_during_halt);
  ADD ("detach-halted", test_detach_halted);
  ADD ("detach-running", test_detach_running);
  ADD ("detach-refused", test_detach_refused);

#undef ADD

  return g_test_run ();
}
