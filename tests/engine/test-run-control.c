/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-run-control.c: the engine's run control against a scripted fake probe.
 *
 * Attach, Break, Go, breakpoints planted at resume and lifted at a halt,
 * detach: each case scripts what the "target" does and checks what the
 * engine did on the wire and what it reported, without a board.
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
  ADD ("detach-halted", test_detach_halted);
  ADD ("detach-running", test_detach_running);
  ADD ("detach-refused", test_detach_refused);

#undef ADD

  return g_test_run ();
}
