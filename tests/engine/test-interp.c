/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-interp.c: the command interpreter (hs-interp.c) on an engine that is
 * not attached to anything; no target is needed.
 */
#define G_LOG_DOMAIN "test-interp"

#include "config.h"

#include "hs-test-util.h"

#include <glib/gstdio.h>

#include "hs-command.h"
#include "hs-engine.h"
#include "hs-fake-probe.h"
#include "hs-interp.h"
#include "hs-interp-private.h"
#include "hs-xen.h"

#include <string.h>

/* No command may take longer than this, whatever goes wrong. */
#define COMMAND_TIMEOUT_S 20

typedef struct
{
  HsEngine *engine;
  HsInterp *interp;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->engine = hs_engine_new ();
  f->interp = hs_interp_new (f->engine);
  g_assert_true (hs_interp_get_engine (f->interp) == f->engine);
  g_assert_cmpint (hs_engine_get_state (f->engine), ==, HS_ENGINE_STATE_DETACHED);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->interp);
  hs_test_release_and_wait (g_steal_pointer (&f->engine), COMMAND_TIMEOUT_S);
}

static char *
run_ok (Fixture    *f,
        const char *line)
{
  return hs_test_run_ok (f->interp, line);
}

static GError *
run_fail (Fixture    *f,
          const char *line)
{
  return hs_test_run_fail (f->interp, line);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("'%s' does not contain '%s'", haystack, needle);
  g_assert_true (strstr (haystack, needle) != NULL);
}

/* ---- tests ------------------------------------------------------------------------------ */

static void
test_print (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *a = run_ok (f, "PRINT 0x10+2");
  g_autofree char *b = run_ok (f, "PRINT \"a\" 1.");
  g_autofree char *c = run_ok (f, "print 10.s");
  g_autofree char *d = run_ok (f, "PRINT 1==1, \"x, y\" (1+2)*3");
  g_autofree char *e = run_ok (f, "PRINT");
  g_autofree char *g = run_ok (f, "PRINT STATE.RUN() STATE.HALT() STATE.ATTACHED()");
  g_autofree char *h = run_ok (f, "PRINT 1 ; a comment");

  g_assert_cmpstr (a, ==, "0x12\n");
  g_assert_cmpstr (b, ==, "a0x1\n");
  g_assert_cmpstr (c, ==, "10.s\n");
  g_assert_cmpstr (d, ==, "TRUE()x, y0x9\n");
  g_assert_cmpstr (e, ==, "\n");
  g_assert_cmpstr (g, ==, "FALSE()FALSE()FALSE()\n");
  g_assert_cmpstr (h, ==, "0x1\n");
}

static void
test_print_errors (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) e1 = run_fail (f, "PRINT 1/0");
  g_autoptr(GError) e2 = run_fail (f, "PRINT NOSUCH()");
  g_autoptr(GError) e3 = run_fail (f, "PRINT Register(pc)");
  g_autoptr(GError) e4 = run_fail (f, "PRINT \"abc");
  g_autoptr(GError) e5 = run_fail (f, "PRINT jiffies");

  assert_contains (e1->message, "division by zero");
  assert_contains (e2->message, "NOSUCH");
  /* Detached: there is no register to read. */
  assert_contains (e3->message, "not halted");
  g_assert_error (e4, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX);
  assert_contains (e4->message, "column 7");
  assert_contains (e5->message, "jiffies");
}

static void
test_blank_and_comment (Fixture       *f,
                        gconstpointer  data)
{
  static const char *lines[] = { "", "   ", "; a comment", "// another", "\t; indented" };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autofree char *out = run_ok (f, lines[i]);

      g_assert_cmpstr (out, ==, "");
    }
}

static void
test_wait_time (Fixture       *f,
                gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();
  g_autofree char *out = run_ok (f, "WAIT 50.ms");
  gint64 elapsed = g_get_monotonic_time () - start;

  g_assert_cmpstr (out, ==, "");
  /* A functional check that it waited, not a benchmark: no upper bound beyond the timeout. */
  g_assert_cmpint (elapsed, >=, 50000);
}

static void
test_wait_condition_timeout (Fixture       *f,
                             gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();
  g_autofree char *out = run_ok (f, "WAIT STATE.RUN() 100.ms");
  gint64 elapsed = g_get_monotonic_time () - start;

  /* Detached, the target never runs: the wait ends at the timeout, without an error. */
  g_assert_cmpint (elapsed, >=, 100000);
  assert_contains (out, "STATE.RUN()");
  assert_contains (out, "still false");
}

/* A script's usual condition: && does not read registers while the target is not halted. */
static void
test_wait_condition_short_circuit (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *print = run_ok (f, "PRINT STATE.HALT()&&Register(pc)==0x1000");
  gint64 start = g_get_monotonic_time ();
  g_autofree char *out = run_ok (f, "WAIT STATE.HALT()&&Register(pc)==0x1000 60.ms");
  gint64 elapsed = g_get_monotonic_time () - start;

  g_assert_cmpstr (print, ==, "FALSE()\n");
  g_assert_cmpint (elapsed, >=, 60000);
  assert_contains (out, "still false");
}

static void
test_wait_condition_true (Fixture       *f,
                          gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();
  g_autofree char *out = run_ok (f, "WAIT !STATE.RUN() 10.s");
  gint64 elapsed = g_get_monotonic_time () - start;

  /* Already true: it returns at once rather than after 10 s. */
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
}

static void
test_wait_errors (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) e1 = run_fail (f, "WAIT");
  g_autoptr(GError) e2 = run_fail (f, "WAIT 1.s 2.s");
  g_autoptr(GError) e3 = run_fail (f, "WAIT NOSUCH() 1.s");
  g_autoptr(GError) e4 = run_fail (f, "WAIT 1 2 3");

  assert_contains (e1->message, "WAIT");
  assert_contains (e2->message, "two times");
  /* A bad condition fails at once, not after the time. */
  assert_contains (e3->message, "NOSUCH");
  g_assert_error (e4, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX);
}

static void
assert_not_attached (GError *error)
{
  if (!g_error_matches (error, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_ATTACHED))
    assert_contains (error->message, "not attached");
  assert_contains (error->message, "not attached");
}

static void
test_not_attached (Fixture       *f,
                   gconstpointer  data)
{
  static const char *lines[] = {
    "Go", "Break", "Register.view", "r.v", "Data.dump A:0x1000", "Step", "Register.view /ALL",
  };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(GError) error = run_fail (f, lines[i]);

      assert_not_attached (error);
    }
  g_assert_cmpint (hs_engine_get_state (f->engine), ==, HS_ENGINE_STATE_DETACHED);
}

static void
test_var_arguments (Fixture       *f,
                    gconstpointer  data)
{
  static const char *bad_set[] = {
    "Var.set 1:::init_task.pid", "Var.set x =", "Var.set x == 1", "Var.set = 1",
  };
  g_autoptr(GError) view = run_fail (f, "Var.view 1:::init_task.comm");
  g_autoptr(GError) empty = run_fail (f, "Var.view");
  g_autoptr(GError) set = run_fail (f, "Var.set 1:::panic_timeout = 3");
  g_autofree char *help = run_ok (f, "HELP Var.view");

  assert_not_attached (view);
  assert_not_attached (set);
  assert_contains (empty->message, "Var.view");
  for (guint i = 0; i < G_N_ELEMENTS (bad_set); i++)
    {
      g_autoptr(GError) error = run_fail (f, bad_set[i]);

      assert_contains (error->message, "expected 'expression = value'");
    }
  assert_contains (help, "/Depth");
}

/* The watch list is the engine's and lives without a target: values come at halts. */
static void
test_var_watch_arguments (Fixture       *f,
                          gconstpointer  data)
{
  GListModel *watches = hs_engine_get_watches (f->engine);
  g_autofree char *none = run_ok (f, "Var.Watch");
  g_autofree char *added = run_ok (f, "Var.Watch jiffies");
  g_autofree char *again = run_ok (f, "var.watch jiffies");
  g_autofree char *other = run_ok (f, "Var.Watch init_task.comm[0] + 1");
  g_autofree char *list = run_ok (f, "Var.Watch");
  g_autoptr(GError) pinned = run_fail (f, "Var.Watch 1:::jiffies");
  g_autoptr(GError) space = run_fail (f, "Var.Watch 0:::0x5a::jiffies");
  g_autoptr(GError) lone = run_fail (f, "Var.Watch /MACHINE 1");
  g_autoptr(GError) del_none = run_fail (f, "Var.DelWatch");
  g_autoptr(GError) del_missing = run_fail (f, "Var.DelWatch panic_timeout");
  g_autoptr(GError) del_both = run_fail (f, "Var.DelWatch jiffies /ALL");
  g_autofree char *help = run_ok (f, "HELP Var.Watch");
  g_autoptr(HsWatch) first = NULL;

  assert_contains (none, "no watches");
  g_assert_cmpuint (g_list_model_get_n_items (watches), ==, 2);
  first = g_list_model_get_item (watches, 0);
  g_assert_cmpstr (hs_watch_get_expression (first), ==, "jiffies");
  g_assert_cmpuint (hs_watch_get_machine (first), ==, HS_WATCH_CURRENT_MACHINE);
  g_assert_false (hs_watch_get_changed (first));
  assert_contains (added, "jiffies = ");
  assert_contains (list, "jiffies = ");
  assert_contains (list, "init_task.comm[0] + 1 = ");
  assert_contains (pinned->message, "machine 1 does not exist");
  assert_contains (space->message, "cannot be pinned");
  assert_contains (lone->message, "needs an expression");
  assert_contains (del_none->message, "/ALL");
  assert_contains (del_missing->message, "is not watched");
  assert_contains (del_both->message, "either");
  assert_contains (help, "current context");

  g_free (run_ok (f, "Var.DelWatch jiffies"));
  g_assert_cmpuint (g_list_model_get_n_items (watches), ==, 1);
  g_free (run_ok (f, "Var.DelWatch /ALL"));
  g_assert_cmpuint (g_list_model_get_n_items (watches), ==, 0);
}

/* A watch keeps its value, and says it changed only when the next one differs. */
static void
test_watch_changed (void)
{
  g_autoptr(HsWatch) watch = hs_watch_new ("jiffies", 1);
  guint notified = 0;

  g_signal_connect (watch, "notify::changed", G_CALLBACK (hs_test_count_notify), &notified);
  hs_watch_set_result (watch, "100", NULL);
  g_assert_false (hs_watch_get_changed (watch));
  g_assert_cmpstr (hs_watch_get_value (watch), ==, "100");
  hs_watch_set_result (watch, "100", NULL);
  g_assert_false (hs_watch_get_changed (watch));
  g_assert_cmpuint (notified, ==, 0);
  hs_watch_set_result (watch, "105", NULL);
  g_assert_true (hs_watch_get_changed (watch));
  hs_watch_set_result (watch, "105", NULL);
  g_assert_false (hs_watch_get_changed (watch));
  hs_watch_set_result (watch, NULL, "cannot read 1:::0x10");
  g_assert_true (hs_watch_get_changed (watch));
  g_assert_cmpstr (hs_watch_get_value (watch), ==, "");
  g_assert_cmpstr (hs_watch_get_error (watch), ==, "cannot read 1:::0x10");
  g_assert_cmpuint (notified, ==, 3);
}

static void
test_data_dump_arguments (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) e1 = run_fail (f, "Data.dump Q:0x1000");
  g_autoptr(GError) e2 = run_fail (f, "Data.dump A:0x1000 /Length 0");
  g_autoptr(GError) e3 = run_fail (f, "Data.dump A:0x1000 /Length 0x200000");
  g_autoptr(GError) e4 = run_fail (f, "Data.dump A:0xfffffffffffffff0 /Length 0x20");
  g_autoptr(GError) e5 = run_fail (f, "Data.dump A:0x1000 /Length");
  g_autoptr(GError) e6 = run_fail (f, "Data.dump");
  g_autoptr(GError) e7 = run_fail (f, "Data.dump A:");

  /* An unknown access class: say which ones exist. */
  assert_contains (e1->message, "A: host physical");
  g_assert_false (g_error_matches (e1, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_ATTACHED));
  assert_contains (e2->message, "/Length");
  assert_contains (e3->message, "/Length");
  assert_contains (e4->message, "past the end");
  assert_contains (e5->message, "needs a value");
  g_assert_error (e6, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX);
  assert_contains (e6->message, "Data.dump");
  g_assert_false (g_error_matches (e7, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_ATTACHED));

  /* What is typed comes back in the message as valid UTF-8, whatever its bytes. */
  {
    const char *lines[] = { "Data.dump \xc3\xa9:::0", "Data.dump \xff:::0", "Data.dump \xc3",
                            "\xff\xfe", "Data.dump A:0x1000 /L\xc3ngth 4" };

    for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
      {
        g_autoptr(GError) e = run_fail (f, lines[i]);

        g_assert_true (g_utf8_validate (e->message, -1, NULL));
      }
  }
}

/* Without a target only machine 0 exists; a bare address is machine 0's, which needs a target. */
static void
test_address_forms (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) e1 = run_fail (f, "Data.dump 0x1000");
  g_autoptr(GError) e2 = run_fail (f, "Data.dump 3:::0x1000");
  g_autoptr(GError) e3 = run_fail (f, "Data.dump 0:::init_task");
  g_autoptr(GError) e4 = run_fail (f, "Data.dump 1:::0x5a::");
  g_autoptr(GError) e5 = run_fail (f, "MMU.Translate 2:::0x1000");
  g_autoptr(GError) e6 = run_fail (f, "Data.LOAD.Elf /nonexistent/xen-syms 0:::0 /NoCODE");

  g_assert_error (e1, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NOT_ATTACHED);
  g_assert_error (e2, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SUCH_MACHINE);
  assert_contains (e2->message, "machine 3 does not exist; machines: 0 (hypervisor)");
  g_assert_error (e3, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SYMBOLS);
  assert_contains (e3->message, "init_task");
  assert_contains (e4->message, "no address");
  g_assert_error (e5, HS_ENGINE_ERROR, HS_ENGINE_ERROR_NO_SUCH_MACHINE);
  assert_contains (e6->message, "/nonexistent/xen-syms");
}

/* A path in a file's place is a path, however few slashes it has; one that is not there is
 * a missing file, whatever else is wrong with the line. */
/* One set of functions everywhere: the command line's and the conditions' are the same, and
 * where one cannot be answered it says where. */
static void
test_builtins (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) no_memory = run_fail (f, "PRINT Data.Long(0x1000)");
  g_autoptr(GError) arity = run_fail (f, "PRINT Register()");
  g_autofree char *state = run_ok (f, "PRINT STATE.ATTACHED()");

  g_free (run_ok (f, "Break.Set 0x6000 /CONDition STATE.HALT()&&Data.Long(0x10)==0"));
  /* Conditions run on the engine's worker: strings and memory work there, tasks do not. */
  g_free (run_ok (f, "Break.Set 0x6100 /CONDition "
                     "STRing.ComPare(Data.String(Register(x0)),\"init*\")&&MACHINE.ID()==1"));
  {
    g_autoptr(GError) tasks = run_fail (f, "Break.Set 0x6200 /CONDition TASK.ID()==1");

    assert_contains (tasks->message, "TASK.ID() cannot be used in a breakpoint condition");
  }
  /* PRINT reads memory, when there is a target. */
  assert_contains (no_memory->message, "Data.Long(): not attached");
  assert_contains (arity->message, "Register() takes one name");
  assert_contains (state, "FALSE()");
}

static void
test_missing_file (Fixture       *f,
                   gconstpointer  data)
{
  static const struct { const char *line, *path; } cases[] = {
    { "Data.LOAD.Elf /no/such/file 1:::0 /NoCODE", "/no/such/file" },
    { "Data.LOAD.Elf /nofile 1:::0 /NoCODE", "/nofile" },
    { "Data.LOAD.Elf /nofile", "/nofile" },
    { "Data.LOAD.Elf \"/no such file\" 1:::0 /NoCODE", "/no such file" },
    { "DO /nofile", "/nofile" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = run_fail (f, cases[i].line);

      g_assert_false (g_error_matches (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_UNKNOWN_OPTION));
      g_assert_null (strstr (error->message, "option"));
      assert_contains (error->message, cases[i].path);
    }
  {
    /* An option that does not exist is still one. */
    g_autoptr(GError) error = run_fail (f, "Data.LOAD.Elf /tmp/x 1:::0 /NoSuch");

    g_assert_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_UNKNOWN_OPTION);
  }
}

static void
test_unknown_command (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) e1 = run_fail (f, "Regster.view");
  g_autoptr(GError) e2 = run_fail (f, "xyzzy.plugh.frobnicate");
  g_autoptr(GError) e3 = run_fail (f, "PRIN 1");

  g_assert_error (e1, HS_COMMAND_ERROR, HS_COMMAND_ERROR_UNKNOWN_COMMAND);
  assert_contains (e1->message, "did you mean Register.view");
  g_assert_error (e2, HS_COMMAND_ERROR, HS_COMMAND_ERROR_UNKNOWN_COMMAND);
  g_assert_true (strstr (e2->message, "did you mean") == NULL);
  assert_contains (e2->message, "HELP");
  assert_contains (e3->message, "did you mean PRINT");
}

static void
test_arguments_and_options (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) e1 = run_fail (f, "Break extra");
  g_autoptr(GError) e2 = run_fail (f, "Register.view /BOGUS");
  g_autoptr(GError) e3 = run_fail (f, "Go /ALL");
  g_autoptr(GError) e4 = run_fail (f, "Register.view /CORE");
  g_autoptr(GError) e5 = run_fail (f, "CORE.select 5");
  g_autoptr(GError) e6 = run_fail (f, "PRINT (1");

  g_assert_error (e1, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX);
  assert_contains (e1->message, "no arguments");
  g_assert_error (e2, HS_COMMAND_ERROR, HS_COMMAND_ERROR_UNKNOWN_OPTION);
  assert_contains (e2->message, "/BOGUS");
  /* The message lists what the command does take. */
  assert_contains (e2->message, "/CORE");
  g_assert_error (e3, HS_COMMAND_ERROR, HS_COMMAND_ERROR_UNKNOWN_OPTION);
  assert_contains (e3->message, "no options");
  g_assert_error (e4, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX);
  assert_contains (e4->message, "/CORE");
  /* Detached, there are no cores. */
  assert_contains (e5->message, "does not exist");
  g_assert_error (e6, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX);
}

static void
test_attach_bad_location (Fixture       *f,
                          gconstpointer  data)
{
  static const char *lines[] = {
    "SYStem.Attach nonsense", "SYStem.Attach host:", "SYStem.Attach host:0",
    "SYStem.Attach host:70000", "SYStem.Attach host:12ab",
  };

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_autoptr(GError) error = run_fail (f, lines[i]);

      assert_contains (error->message, "SYStem.Attach");
      g_assert_cmpint (hs_engine_get_state (f->engine), ==, HS_ENGINE_STATE_DETACHED);
    }
  {
    g_autoptr(GError) error = run_fail (f, "SYStem.Attach nonsense");

    assert_contains (error->message, "HOST:PORT");
  }
  {
    g_autoptr(GError) error = run_fail (f, "SYStem.Attach");

    g_assert_error (error, HS_COMMAND_ERROR, HS_COMMAND_ERROR_SYNTAX);
  }
}

static void
test_attach_refused (Fixture       *f,
                     gconstpointer  data)
{
  /* Nothing listens on port 1: the connection is refused at once. */
  g_autoptr(GError) error = run_fail (f, "SYStem.Attach 127.0.0.1:1");
  g_autoptr(GError) again = NULL;

  assert_contains (error->message, "127.0.0.1:1");
  assert_contains (error->message, "cannot connect");
  g_assert_cmpint (hs_engine_get_state (f->engine), ==, HS_ENGINE_STATE_DETACHED);
  g_assert_cmpuint (hs_engine_get_n_cores (f->engine), ==, 0);

  /* Still detached for the next command. */
  again = run_fail (f, "Go");
  assert_not_attached (again);
}

static void
test_help (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *all = run_ok (f, "HELP");
  g_autofree char *one = run_ok (f, "HELP r.v");
  g_autofree char *print = run_ok (f, "help print");
  g_autoptr(GError) error = run_fail (f, "HELP nosuch");

  assert_contains (all, "Register.view");
  assert_contains (all, "Data.dump");
  assert_contains (all, "SYStem.Attach");
  assert_contains (all, "WAIT");
  /* The expressions' functions, with their signatures. */
  assert_contains (all, "STRing.MID(s, start, length)");
  assert_contains (all, "TASK.FIRST([machine])");
  assert_contains (one, "Register.view");
  assert_contains (one, "R.v");
  g_assert_true (strstr (one, "Data.dump") == NULL);
  assert_contains (print, "PRINT");
  assert_contains (error->message, "nosuch");
}

static void
test_resolve_complete (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(GStrv) reg = hs_interp_complete (f->interp, "reg");
  g_auto(GStrv) none = hs_interp_complete (f->interp, "zzz");
  g_auto(GStrv) all = hs_interp_complete (f->interp, "");

  g_assert_cmpstr (hs_interp_resolve (f->interp, "r.v"), ==, "Register.view");
  g_assert_cmpstr (hs_interp_resolve (f->interp, "SYS.A"), ==, "SYStem.Attach");
  g_assert_cmpstr (hs_interp_resolve (f->interp, "d.dump"), ==, "Data.dump");
  g_assert_null (hs_interp_resolve (f->interp, "Regster.view"));
  g_assert_null (hs_interp_resolve (f->interp, "r"));

  g_assert_true (g_strv_contains ((const char * const *) reg, "Register.view"));
  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_assert_true (g_strv_contains ((const char * const *) all, "PRINT"));
  g_assert_true (g_strv_contains ((const char * const *) all, "HELP"));
}

/* Breakpoints are the session's: they can be set, listed, switched and deleted without a
 * target, and a saved session brings them back with their scopes. */
static void
test_breakpoints_and_session (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *set = run_ok (f, "Break.Set 0:::0xffff000000010000 /COUNT 3.");
  g_autofree char *list = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hs-interp-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "s.cmm", NULL);
  g_autofree char *save = g_strdup_printf ("SESSion.Save %s", path);
  g_autofree char *replay = g_strdup_printf ("DO %s", path);
  g_autofree char *text = NULL;
  g_autofree char *done = NULL;
  GListModel *bps = hs_engine_get_breakpoints (f->engine);
  g_autoptr(GError) physical = run_fail (f, "Break.Set A:0x40000000");
  g_autoptr(GError) twice = run_fail (f, "Break.Set 0:::0xffff000000010000 /COUNT 3.");
  g_autoptr(GError) zero = run_fail (f, "Break.Set 0x2000 /COUNT 0");
  g_autoptr(GError) nothing = run_fail (f, "Break.Delete 0x3000");
  g_autoptr(GError) missing = run_fail (f, "DO /nonexistent/script.cmm");
  g_autoptr(GError) bad_condition = run_fail (f, "Break.Set 0x5000 /CONDition Bogus(1)");

  assert_contains (set, "0:::0x0::0xffff000000010000");
  assert_contains (set, "[any machine, any task]");
  assert_contains (set, "count 0/3");
  assert_contains (physical->message, "virtual address");
  assert_contains (twice->message, "already");
  assert_contains (zero->message, "/COUNT");
  assert_contains (nothing->message, "no breakpoint at 0x3000");
  assert_contains (missing->message, "DO: ");
  assert_contains (bad_condition->message, "unknown function Bogus()");
  assert_contains (bad_condition->message, "Data.Long(address)");


  g_free (run_ok (f, "Break.Set 0x4000 /MACHINE 0 /TASK 7. /CONDition Register(x0)==0x10"));
  g_free (run_ok (f, "Break.DISable /Id 2."));
  list = run_ok (f, "Break.List");
  assert_contains (list, "  1 on  program  0:::0x0::0xffff000000010000");
  assert_contains (list, "  2 off program  0:::0x0::0x0000000000004000");
  assert_contains (list, "[machine 0, task pid 7, if Register(x0)==0x10]");

  g_free (run_ok (f, "sYmbol.SourcePATH.Translate \"/build/x y\" \"/src/x\""));
  /* The module search path is the session's; module files bound at a halt are not (they are
   * bound again where the next boot places the modules). */
  {
    g_autofree char *autoload = g_strdup_printf ("sYmbol.AutoLOAD.PATH \"%s\"", dir);

    g_free (run_ok (f, autoload));
    g_free (run_ok (f, "sYmbol.AutoLOAD.OFF"));
  }
  g_free (run_ok (f, save));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  assert_contains (text, "Break.Set 0:::0x0::0xffff000000010000 /COUNT 3.\n");
  assert_contains (text, "Break.Set 0:::0x0::0x4000 /MACHINE 0. /TASK 7. /CONDition "
                         "Register(x0)==0x10\n");
  assert_contains (text, "Break.DISable 0:::0x4000\n");
  assert_contains (text, "sYmbol.SourcePATH.Translate \"/build/x y\" \"/src/x\"\n");
  {
    g_autofree char *autoload = g_strdup_printf ("sYmbol.AutoLOAD.PATH \"%s\"\n", dir);

    assert_contains (text, autoload);
    assert_contains (text, "sYmbol.AutoLOAD.OFF\n");
  }

  g_free (run_ok (f, "Break.Delete"));
  g_free (run_ok (f, "sYmbol.SourcePATH.RESet"));
  g_assert_cmpuint (g_list_model_get_n_items (bps), ==, 0);
  done = run_ok (f, replay);
  g_assert_null (strstr (done, "error:"));
  g_assert_cmpuint (g_list_model_get_n_items (bps), ==, 2);
  {
    g_autoptr(HsBreakpoint) a = g_list_model_get_item (bps, 0);
    g_autoptr(HsBreakpoint) b = g_list_model_get_item (bps, 1);

    g_assert_cmpuint (hs_breakpoint_get_count (a), ==, 3);
    g_assert_cmpint (hs_breakpoint_get_task_pid (b), ==, 7);
    g_assert_cmpint (hs_breakpoint_get_machine_scope (b), ==, 0);
    g_assert_false (hs_breakpoint_get_enabled (b));
    g_assert_cmpstr (hs_breakpoint_get_condition (b), ==, "Register(x0)==0x10");
  }
  g_assert_cmpuint (hs_source_path_map_get_n_entries (hs_engine_get_source_path_map (f->engine)),
                    ==, 1);
  g_assert_false (hs_engine_get_module_autoload (f->engine));
  {
    g_auto(GStrv) module_paths = hs_engine_get_module_paths (f->engine);

    g_assert_cmpuint (g_strv_length (module_paths), ==, 1);
    g_assert_cmpstr (module_paths[0], ==, dir);
  }
  g_unlink (path);
  g_rmdir (dir);
}

/* PRINT's TRACE32 formats, each for the values after it. */
static void
test_print_formats (Fixture       *f,
                    gconstpointer  data)
{
  static const struct { const char *line, *out; } cases[] = {
    { "PRINT \"tasks: \" %Decimal 42.", "tasks: 42\n" },
    { "PRINT %Hex 255.", "0xff\n" },
    { "PRINT %Decimal 0x10 %Hex 0x10", "160x10\n" },
    { "PRINT %Decimal 0-1", "-1\n" },
    { "PRINT %Binary 5", "0y101\n" },
    { "PRINT %Binary 0", "0y0\n" },
    { "PRINT %String 1 \"a\"", "0x1a\n" },
    { "PRINT %Hex \"s\" 1==1 10.ms", "s0x110.ms\n" },
    { "PRINT %CONTinue \"no newline\"", "no newline" },
    { "PRINT %ERROR \"bad\"", "error: bad\n" },
    { "PRINT %WARNING \"careful \" %Decimal 3", "warning: careful 3\n" },
    { "PRINT %d 7, %h 7", "70x7\n" },
    { "PRINT STRing.MID(\"hello\", 1, 3) FORMAT.HEX(4, 0x1f)", "ell001f\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = run_ok (f, cases[i].line);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
  {
    g_autoptr(GError) error = run_fail (f, "PRINT \"a\" %Bogus 1");

    assert_contains (error->message, "PRINT: unknown format %Bogus");
    assert_contains (error->message, "%Hex");
  }
  {
    g_autoptr(GError) error = run_fail (f, "PRINT STRing.MID(\"a\")");

    assert_contains (error->message, "PRINT: STRing.MID() takes 3 arguments");
  }
}

/* ---- on a target: the fake probe ---------------------------------------------------------- */

#define MEM 0x40001000u

typedef struct
{
  HsFakeProbe *probe;
  HsEngine *engine;
  HsInterp *interp;
} TargetFixture;

static void
target_setup (TargetFixture *t,
              gconstpointer  data)
{
  guint8 page[4096];
  guint64 quad = GUINT64_TO_LE (G_GUINT64_CONSTANT (0x1122334455667788));
  guint64 pointer = GUINT64_TO_LE (G_GUINT64_CONSTANT (0x40001010));
  GAsyncResult *result = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < sizeof page; i++)
    page[i] = (guint8) i;
  memcpy (page, &quad, 8);
  memcpy (page + 0x10, "hello", 6);
  /* Across a 64-byte piece of Data.String(). */
  memcpy (page + 0x3c, "abcdefgh", 9);
  /* A pointer to "hello", for commands whose arguments read memory. */
  memcpy (page + 0x48, &pointer, 8);
  t->probe = hs_fake_probe_new (2);
  hs_fake_probe_write (t->probe, MEM, page, sizeof page);
  t->engine = hs_engine_new ();
  t->interp = hs_interp_new (t->engine);
  hs_engine_attach_async (t->engine, HS_PROBE (t->probe), NULL, hs_test_store_result, &result);
  g_assert_true (hs_engine_attach_finish (t->engine, hs_test_wait_result (&result, 10),
                                          &error));
  g_assert_no_error (error);
  g_object_unref (result);
  g_assert_cmpint (hs_engine_get_state (t->engine), ==, HS_ENGINE_STATE_HALTED);
}

static void
target_teardown (TargetFixture *t,
                 gconstpointer  data)
{
  g_clear_object (&t->interp);
  hs_test_release_and_wait (g_steal_pointer (&t->engine), COMMAND_TIMEOUT_S);
  g_clear_object (&t->probe);
}

static gboolean
evaluate (HsInterp      *interp,
          const char    *text,
          GCancellable  *cancellable,
          HsValue       *value,
          GError       **error)
{
  GAsyncResult *result = NULL;
  gboolean ok;

  hs_interp_evaluate_async (interp, text, cancellable, hs_test_store_result, &result);
  ok = hs_interp_evaluate_finish (interp, hs_test_wait_result (&result, COMMAND_TIMEOUT_S),
                                  value, error);
  g_object_unref (result);
  return ok;
}

static void
test_print_memory (TargetFixture *t,
                   gconstpointer  data)
{
  static const struct { const char *line, *out; } cases[] = {
    { "PRINT Data.Long(0x40001000)", "0x55667788\n" },
    { "PRINT %Decimal Data.Byte(0x40001000) \" \" Data.Word(0x40001000)", "136 30600\n" },
    { "PRINT Data.Quad(0x40001000)", "0x1122334455667788\n" },
    { "PRINT Data.Long(0x40001000)==0x55667788", "TRUE()\n" },
    { "PRINT Data.String(0x40001010)", "hello\n" },
    { "PRINT \"s=\" Data.String(\"0:::0x40001010\")", "s=hello\n" },
    { "PRINT Data.String(\"A:0x40001010\")", "hello\n" },
    { "PRINT Data.String(0x4000103c)", "abcdefgh\n" },
    { "PRINT STRing.LENgth(Data.String(0x40001011))", "0x4\n" },
    /* A value that decides which address is read next. */
    { "PRINT Data.Byte(0x40001000+Data.Byte(0x40001020))", "0x20\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = hs_test_run_ok (t->interp, cases[i].line);

      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_print_memory_errors (TargetFixture *t,
                          gconstpointer  data)
{
  g_autoptr(GError) unreadable = hs_test_run_fail (t->interp, "PRINT Data.Long(0x50000000)");
  g_autoptr(GError) string = hs_test_run_fail (t->interp, "PRINT Data.String(0x40001ffc)");
  g_autoptr(GError) wraps = hs_test_run_fail (t->interp, "PRINT Data.Quad(0xfffffffffffffffc)");
  g_autoptr(GError) machine = hs_test_run_fail (t->interp, "PRINT Data.Long(\"9:::0x10\")");
  g_autoptr(GError) running = NULL;

  assert_contains (unreadable->message, "PRINT: Data.Long(): cannot read ");
  assert_contains (unreadable->message, "0x50000000");
  /* Its 4 bytes are readable, the next piece is not. */
  assert_contains (string->message, "cannot read ");
  assert_contains (string->message, "0x40002000");
  assert_contains (wraps->message, "past the end of the address space");
  assert_contains (machine->message, "9");
  /* Other commands' arguments are read before they run: an address read from memory. */
  {
    g_autofree char *dump = hs_test_run_ok (t->interp,
                                            "Data.dump Data.Quad(0x40001048) /Length 6");
    g_autofree char *length = hs_test_run_ok (t->interp, "Data.dump 0x40001000 "
                                              "/Length Data.Byte(0x40001009)+1");
    GString *many = g_string_new ("Data.dump 0x40001000 /Length 1");
    g_autoptr(GError) too_many = NULL;

    assert_contains (dump, "68 65 6c 6c 6f 00");
    assert_contains (length, "88 77 66 55 44 33 22 11  08 09  ");
    g_assert_null (strstr (length, " 0a"));
    /* Past the reading budget, the command's own evaluation cannot wait: it says what to do. */
    for (guint i = 0; i <= 256; i++)
      g_string_append_printf (many, "+Data.Byte(0x%x)*0", 0x40001000 + i);
    too_many = hs_test_run_fail (t->interp, many->str);
    g_string_free (many, TRUE);
    assert_contains (too_many->message, "put the value in a macro first");
  }

  g_free (hs_test_run_ok (t->interp, "Go"));
  running = hs_test_run_fail (t->interp, "PRINT Data.Long(0x40001000)");
  assert_contains (running->message, "the target is running; halt it first");
  /* A command's argument says so too, not that arguments are never read. */
  {
    g_autoptr(GError) argument = hs_test_run_fail (t->interp,
                                                   "Data.dump Data.Quad(0x40001048) /Length 6");

    assert_contains (argument->message, "the target is running; halt it first");
  }
  g_free (hs_test_run_ok (t->interp, "Break"));
}

/* Var.*() where the answer is an error, or FALSE(): no symbols, a command's own argument, a
 * running target. (The guests' kernels answer them in the board's tests.) */
static void
test_print_var_errors (TargetFixture *t,
                       gconstpointer  data)
{
  g_autoptr(GError) no_symbols = hs_test_run_fail (t->interp, "PRINT Var.VALUE(jiffies)");
  g_autoptr(GError) machine = hs_test_run_fail (t->interp, "PRINT Var.VALUE(9:::jiffies)");
  g_autoptr(GError) access = hs_test_run_fail (t->interp, "PRINT Var.VALUE(A:0x10)");
  g_autoptr(GError) argument = hs_test_run_fail (t->interp, "Data.dump Var.ADDRESS(jiffies)");
  g_autoptr(GError) wait = hs_test_run_fail (t->interp, "WAIT Var.VALUE(jiffies)==1 1.s");
  g_autoptr(GError) unclosed = hs_test_run_fail (t->interp, "PRINT Var.VALUE(a[1)");
  g_autofree char *exist = hs_test_run_ok (t->interp, "PRINT Var.EXIST(jiffies)");
  g_autoptr(GError) running = NULL;

  assert_contains (no_symbols->message, "machine 0 has no symbols");
  assert_contains (machine->message, "9");
  assert_contains (access->message, "leave out the access class");
  assert_contains (argument->message, "Var.ADDRESS(jiffies): machine 0 has no symbols");
  assert_contains (wait->message, "C expressions are not evaluated here");
  assert_contains (unclosed->message, "expected ')' to close Var.VALUE(");
  g_assert_cmpstr (exist, ==, "FALSE()\n");

  g_free (hs_test_run_ok (t->interp, "Go"));
  running = hs_test_run_fail (t->interp, "PRINT Var.VALUE(jiffies)");
  assert_contains (running->message, "the target is running; halt it first");
  {
    g_autoptr(GError) running_argument = hs_test_run_fail (t->interp,
                                                           "Data.dump Var.ADDRESS(jiffies)");

    assert_contains (running_argument->message, "the target is running; halt it first");
  }
  g_free (hs_test_run_ok (t->interp, "Break"));
}

static void
test_evaluate_async (TargetFixture *t,
                     gconstpointer  data)
{
  g_auto(HsValue) v = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) too_many = NULL;
  g_autoptr(GError) cancelled = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GString *expr = g_string_new ("0");
  HsValue w = { 0 };

  g_assert_true (evaluate (t->interp, "Data.Quad(0x40001000)+1", NULL, &v, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (v.number, ==, 0x1122334455667789);
  hs_value_clear (&v);
  /* The same read twice is read once. */
  {
    guint before = hs_fake_probe_count (t->probe, "read");
    guint after;

    g_assert_true (evaluate (t->interp, "Data.Long(0x40001100)+Data.Long(0x40001100)", NULL, &v,
                             &error));
    after = hs_fake_probe_count (t->probe, "read");
    g_assert_cmpuint (after - before, <=, 1);
    hs_value_clear (&v);
  }
  /* No memory needed: it still answers. */
  g_assert_true (evaluate (t->interp, "\"a\"+\"b\"", NULL, &v, &error));
  g_assert_cmpstr (v.string, ==, "ab");
  hs_value_clear (&v);

  /* Bounded: at most HS_INTERP_EVAL_MAX_READS reads per evaluation. */
  for (guint i = 0; i <= HS_INTERP_EVAL_MAX_READS; i++)
    g_string_append_printf (expr, "+Data.Byte(0x%x)", MEM + 2 * i);
  g_assert_false (evaluate (t->interp, expr->str, NULL, &w, &too_many));
  assert_contains (too_many->message, "reads too much memory");
  g_string_free (expr, TRUE);

  g_cancellable_cancel (cancellable);
  g_assert_false (evaluate (t->interp, "Data.Long(0x40001000)", cancellable, &w, &cancelled));
  g_assert_error (cancelled, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
add_task (GArray     *records,
          guint       machine,
          gint        pid,
          const char *comm)
{
  HsTaskRecord r = { 0 };

  r.machine = machine;
  r.info.task = 0xffff000010000000 + (guint64) machine * 0x100000 + (guint64) pid * 0x1000;
  r.info.pid = r.info.tgid = pid;
  r.info.ppid = 1;
  g_strlcpy (r.info.comm, comm, sizeof r.info.comm);
  r.info.cpu = -1;
  r.current_vcpu = -1;
  r.core = -1;
  g_array_append_val (records, r);
}

/* The task functions read the engine's task list, as a script's WHILE over them does. */
static void
test_task_builtins (TargetFixture *t,
                    gconstpointer  data)
{
  g_autoptr(GArray) guests = hs_xen_domains_new ();
  g_autoptr(GArray) records = g_array_new (FALSE, TRUE, sizeof (HsTaskRecord));
  GListModel *tasks = hs_engine_get_tasks (t->engine);
  g_autofree char *count = NULL;
  g_autofree char *walk = NULL;
  g_autoptr(GError) unknown = NULL;
  g_autoptr(GError) none = NULL;

  for (guint m = 1; m <= 2; m++)
    {
      HsXenDomain dom = { 0 };

      dom.machine = m;
      dom.domain_id = (gint) m;
      dom.vmid = m;
      g_array_append_val (guests, dom);
    }
  g_array_set_clear_func (records, hs_task_record_clear);
  add_task (records, 1, 1, "init");
  add_task (records, 1, 50, "sh");
  add_task (records, 2, 1, "init");
  add_task (records, 2, 70, "getty");
  add_task (records, 2, 71, "app");
  none = hs_test_run_fail (t->interp, "PRINT TASK.ID()");
  assert_contains (none->message, "no current task");
  hs_guest_model_apply (hs_engine_get_guest_model (t->engine), guests, NULL, 0, records, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (tasks), ==, 5);

  count = hs_test_run_ok (t->interp, "PRINT %Decimal TASK.COUNT(1) \" \" TASK.COUNT(2) \" \" "
                                     "TASK.COUNT() \" \" MACHINE.ID()");
  g_assert_cmpstr (count, ==, "2 3 0 0\n");
  walk = hs_test_run_ok (t->interp, "PRINT TASK.NAME(TASK.NEXT(TASK.FIRST(2))) \" \" %Decimal "
                                    "TASK.PID(TASK.NEXT(TASK.NEXT(TASK.FIRST(2)))) \" \" "
                                    "TASK.NEXT(TASK.NEXT(TASK.NEXT(TASK.FIRST(2))))");
  g_assert_cmpstr (walk, ==, "getty 71 0\n");
  {
    g_autoptr(HsTask) sh = g_list_model_get_item (tasks, 1);
    g_autofree char *current = NULL;

    hs_engine_set_current_task (t->engine, sh);
    current = hs_test_run_ok (t->interp, "PRINT %Decimal TASK.ID() \" \" %Hex TASK.MAGIC()");
    g_assert_cmpstr (current, ==, "50 0xffff000010132000\n");
  }
  /* The current task made its machine the current one. */
  unknown = hs_test_run_fail (t->interp, "PRINT TASK.ID(\"nosuch\")");
  assert_contains (unknown->message, "machine 1 has no task named nosuch");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/Hs/Interp/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("print", test_print);
  ADD ("print-errors", test_print_errors);
  ADD ("print-formats", test_print_formats);
  ADD ("blank-and-comment", test_blank_and_comment);
  ADD ("wait-time", test_wait_time);
  ADD ("wait-condition-timeout", test_wait_condition_timeout);
  ADD ("wait-condition-short-circuit", test_wait_condition_short_circuit);
  ADD ("wait-condition-true", test_wait_condition_true);
  ADD ("wait-errors", test_wait_errors);
  ADD ("not-attached", test_not_attached);
  ADD ("data-dump-arguments", test_data_dump_arguments);
  ADD ("var-arguments", test_var_arguments);
  ADD ("var-watch-arguments", test_var_watch_arguments);
  g_test_add_func ("/Hs/Interp/watch-changed", test_watch_changed);
  ADD ("address-forms", test_address_forms);
  ADD ("missing-file", test_missing_file);
  ADD ("builtins", test_builtins);
  ADD ("unknown-command", test_unknown_command);
  ADD ("arguments-and-options", test_arguments_and_options);
  ADD ("attach-bad-location", test_attach_bad_location);
  ADD ("attach-refused", test_attach_refused);
  ADD ("help", test_help);
  ADD ("resolve-complete", test_resolve_complete);
  ADD ("breakpoints-and-session", test_breakpoints_and_session);

#undef ADD
#define ADD(path, func) \
  g_test_add ("/Hs/Interp/" path, TargetFixture, NULL, target_setup, func, target_teardown)

  ADD ("print-memory", test_print_memory);
  ADD ("print-memory-errors", test_print_memory_errors);
  ADD ("print-var-errors", test_print_var_errors);
  ADD ("evaluate-async", test_evaluate_async);
  ADD ("task-builtins", test_task_builtins);

#undef ADD

  /* Own the main context for the whole run, as GApplication and g_main_loop_run() do.
   * Without this, a worker thread's g_main_context_invoke() in hs-engine.c may acquire the
   * idle context and run unref_on_main() on the worker itself, finalizing the engine there:
   * g_thread_pool_free() then waits for its own thread, and every later iteration hangs
   * (see the report on hs-engine.c worker_func()). */
  {
    GMainContext *context = g_main_context_default ();
    int status;

    g_assert_true (g_main_context_acquire (context));
    status = g_test_run ();
    g_main_context_release (context);
    return status;
  }
}
