/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-board-vars.c: Var.view and Var.set against the board's guests. The oracle is the
 * guests' own serial output (the "Linux version" banner each kernel prints) and what the board
 * sets up (each guest's hostname is its name); the rest are facts about Linux 6.1 that hold
 * on any halt (init_task is swapper/0, its scheduling class is idle_sched_class, the system
 * is running).
 */
#include "config.h"

#include <string.h>

#include "hs-task.h"
#include "hs-test-util.h"
#include "test-board.h"

/* The value Var.view prints for @expr: the text after "expr = ", without the newline. */
static char *
view (const char *expr)
{
  g_autofree char *cmd = g_strdup_printf ("Var.view %s", expr);
  g_autofree char *out = run_ok (cmd);
  const char *eq = strstr (out, " = ");

  g_assert_nonnull (eq);
  return g_strchomp (g_strdup (eq + 3));
}

static void
test_var_check_commands (void)
{
  g_autofree char *serial = hs_board_read_serial (board);
  g_autofree char *comm = NULL;
  g_autofree char *name = NULL;
  g_autofree char *release = NULL;
  g_autofree char *banner = NULL;

  ensure_halted ();
  comm = view ("1:::init_task.comm");
  g_assert_cmpstr (comm, ==, "\"swapper/0\"");

  name = view ("2:::init_uts_ns.name");
  g_assert_true (g_str_has_prefix (name, "{sysname = \"Linux\", nodename = \"linux2\", "
                                         "release = \"6.1.0-"));
  g_assert_nonnull (strstr (name, "machine = \"aarch64\""));
  /* The release is the one the guest printed in its banner. */
  release = view ("2:::init_uts_ns.name.release");
  g_assert_true (g_str_has_prefix (release, "\"6.1.0-"));
  release[strlen (release) - 1] = 0;
  banner = g_strdup_printf ("DOM2: [    0.000000] Linux version %s ", release + 1);
  g_assert_nonnull (strstr (serial, banner));
  g_free (name);
  name = view ("1:::init_uts_ns.name.nodename");
  g_assert_cmpstr (name, ==, "\"linux1\"");
}

static void
test_var_kinds (void)
{
  g_autofree char *out = NULL;

  ensure_halted ();
  /* A pointer with the symbol it points to, at the top and inside a struct. */
  out = view ("1:::init_task.sched_class");
  g_assert_true (g_str_has_prefix (out, "(const struct sched_class *) 0xffff"));
  g_assert_true (g_str_has_suffix (out, " <idle_sched_class>"));
  g_clear_pointer (&out, g_free);
  out = view ("2:::&init_task");
  g_assert_true (g_str_has_prefix (out, "(struct task_struct *) 0xffff"));
  g_assert_true (g_str_has_suffix (out, " <init_task>"));
  g_clear_pointer (&out, g_free);
  /* An enum by name, and enumerators as names in expressions. */
  out = view ("1:::system_state");
  g_assert_cmpstr (out, ==, "SYSTEM_RUNNING");
  g_clear_pointer (&out, g_free);
  out = view ("2:::system_state == SYSTEM_RUNNING");
  g_assert_cmpstr (out, ==, "1");
  g_clear_pointer (&out, g_free);
  out = view ("2:::init_task.signal->pids[PIDTYPE_PID]");
  g_assert_true (g_str_has_suffix (out, " <init_struct_pid>"));
  g_clear_pointer (&out, g_free);
  out = view ("1:::init_task.thread_pid == init_task.signal->pids[PIDTYPE_PID]");
  g_assert_cmpstr (out, ==, "1");
  g_clear_pointer (&out, g_free);
  /* A struct expanded, members by name. */
  out = view ("2:::init_task.se.load");
  g_assert_true (g_str_has_prefix (out, "{weight = "));
  g_assert_nonnull (strstr (out, ", inv_weight = "));
  g_clear_pointer (&out, g_free);
  out = view ("2:::init_task");
  g_assert_true (g_str_has_prefix (out, "{thread_info = {"));
  g_assert_nonnull (strstr (out, "comm = \"swapper/0\""));
  g_clear_pointer (&out, g_free);
  /* Casts, ->, [] and arithmetic, read through the cast pointer. */
  out = view ("1:::((struct task_struct *)&init_task)->comm[1] + 0");
  g_assert_cmpstr (out, ==, "119");
  g_clear_pointer (&out, g_free);
  out = view ("1:::sizeof (struct list_head) * 2");
  g_assert_cmpstr (out, ==, "32");
  g_clear_pointer (&out, g_free);
  out = view ("1:::init_task.tasks.next->prev == &init_task.tasks");
  g_assert_cmpstr (out, ==, "1");
  g_clear_pointer (&out, g_free);
  /* How much is shown: structs past /Depth are {...}, arrays past /Elements end in "...". */
  out = view ("1:::init_task.se /Depth 1");
  g_assert_true (g_str_has_prefix (out, "{load = {...}, "));
  g_clear_pointer (&out, g_free);
  out = view ("1:::init_task.comm /Elements 1");
  g_assert_cmpstr (out, ==, "\"swap\"...");
  g_clear_pointer (&out, g_free);
  out = view ("1:::init_task.sched_class->enqueue_task");
  g_assert_true (g_str_has_suffix (out, " <enqueue_task_idle>") || strstr (out, "0x0") != NULL);
  g_clear_pointer (&out, g_free);
  /* The same expression in another space of machine 2 (the kernel half is shared). */
  out = view ("init_task.pid /MACHINE 2");
  g_assert_cmpstr (out, ==, "0");
}

/* A char * with its string, against the command line the guest printed at boot. */
static void
test_var_strings (void)
{
  g_autofree char *serial = hs_board_read_serial (board);
  g_autofree char *out = NULL;
  g_autofree char *line = NULL;
  const char *quote;

  ensure_halted ();
  out = view ("2:::saved_command_line");
  g_assert_true (g_str_has_prefix (out, "(char *) 0xffff"));
  quote = strchr (out, '"');
  g_assert_nonnull (quote);
  g_assert_true (g_str_has_suffix (out, "\""));
  line = g_strdup_printf ("DOM2: [    0.000000] Kernel command line: %.*s\r",
                          (int) (strlen (quote) - 2), quote + 1);
  if (strstr (serial, line) == NULL)
    g_error ("Var.view printed %s, but the guest printed no '%s'", out, line);
  g_assert_nonnull (strstr (out, "hsname=linux2"));
}

/* linux_banner is "extern const char linux_banner[]" where the index finds it: its size is
 * the symbol's. */
static void
test_var_unsized_array (void)
{
  g_autofree char *serial = hs_board_read_serial (board);
  g_autofree char *out = NULL;

  ensure_halted ();
  out = view ("1:::linux_banner");
  g_assert_true (g_str_has_prefix (out, "\"Linux version 6.1.0-"));
  g_assert_nonnull (strstr (serial, "Linux version 6.1.0-"));
}

/* "2:::space::expr" reads through that process's page tables: the kernel half is the same. */
static void
test_var_process_space (void)
{
  GListModel *tasks;
  guint64 space = 0;

  ensure_tasks ();
  tasks = hs_engine_get_tasks (engine);
  for (guint i = 0; i < g_list_model_get_n_items (tasks) && space == 0; i++)
    {
      g_autoptr(HsTask) task = g_list_model_get_item (tasks, i);

      if (hs_task_get_machine (task) == 2 && hs_task_get_space (task) != 0)
        space = hs_task_get_space (task);
    }
  g_assert_cmpuint (space, !=, 0);
  {
    g_autofree char *expr = g_strdup_printf ("2:::0x%" G_GINT64_MODIFIER "x::init_task.comm",
                                             space);
    g_autofree char *out = view (expr);

    g_assert_cmpstr (out, ==, "\"swapper/0\"");
  }
  /* /TASK: that task's machine and space. */
  {
    g_autofree char *out = view ("init_task.comm /MACHINE 1 /TASK linux1_ticker");
    g_autoptr(GError) error = NULL;

    g_assert_cmpstr (out, ==, "\"swapper/0\"");
    g_assert_null (run ("Var.view init_task.comm /MACHINE 1 /TASK no_such_task", &error));
    g_assert_nonnull (strstr (error->message, "no_such_task"));
  }
}

static void
test_var_errors (void)
{
  g_autoptr(GError) error = NULL;

  ensure_halted ();
  g_assert_null (run ("Var.view 2:::init_task.nosuch", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message,
                            "2:::init_task.nosuch: struct task_struct has no member 'nosuch'"));
  g_clear_error (&error);
  g_assert_null (run ("Var.view 1:::init_task.comm->x", &error));
  g_assert_nonnull (strstr (error->message, "init_task.comm->x"));
  g_clear_error (&error);
  g_assert_null (run ("Var.view 1:::((struct task_struct *)0x10)->pid", &error));
  g_assert_nonnull (strstr (error->message, "1:::((struct task_struct *)0x10)->pid: cannot read"));
  g_clear_error (&error);
  g_assert_null (run ("Var.view 1:::no_such_variable_anywhere", &error));
  g_assert_nonnull (strstr (error->message, "no variable 'no_such_variable_anywhere'"));
}

/* hs_engine_query_async(), which PRACTICE's Var.VALUE() and its kind are built on: through the
 * engine's evaluator thread and reads, the same values Var.view prints. */
static gboolean
query (HsCexprQuery   what,
       const char    *expr,
       guint64       *number,
       char         **text,
       GError       **error)
{
  GAsyncResult *w = NULL;
  gboolean ok;

  hs_engine_query_async (engine, 1, 0, what, expr, NULL, hs_test_store_result, &w);
  ok = hs_engine_query_finish (engine, hs_test_wait_result (&w, WAIT_S), number, text, error);
  g_object_unref (w);
  return ok;
}

static void
test_var_query (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  guint64 number = 0, address;

  ensure_halted ();
  out = view ("1:::&init_task");
  address = g_ascii_strtoull (strstr (out, ") 0x") + 2, NULL, 16);
  g_assert_true (query (HS_CEXPR_ADDRESS, "init_task", &number, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (number, ==, address);
  g_assert_true (query (HS_CEXPR_VALUE, "init_task.comm", &number, NULL, &error));
  g_assert_cmpuint (number, >, address);
  g_assert_true (query (HS_CEXPR_VALUE, "init_task.pid", &number, NULL, &error));
  g_assert_cmpuint (number, ==, 0);
  g_assert_true (query (HS_CEXPR_SIZEOF, "init_task.tasks", &number, NULL, &error));
  g_assert_cmpuint (number, ==, 16);
  g_assert_true (query (HS_CEXPR_STRING, "init_task.comm", &number, &text, &error));
  g_assert_cmpstr (text, ==, "swapper/0");
  g_clear_pointer (&text, g_free);
  /* An array declared without a size: the symbol's. */
  g_assert_true (query (HS_CEXPR_STRING, "linux_banner", NULL, &text, &error));
  g_assert_true (g_str_has_prefix (text, "Linux version 6.1.0-"));
  g_clear_pointer (&text, g_free);
  g_assert_true (query (HS_CEXPR_EXISTS, "init_task.comm", &number, NULL, &error));
  g_assert_cmpuint (number, ==, 1);
  g_assert_true (query (HS_CEXPR_EXISTS, "init_task.nosuch", &number, NULL, &error));
  g_assert_cmpuint (number, ==, 0);
  g_assert_false (query (HS_CEXPR_VALUE, "init_task", &number, NULL, &error));
  g_assert_nonnull (strstr (error->message,
                            "1:::init_task: is struct task_struct: name a member"));
}

static void
test_var_set (void)
{
  g_autofree char *before = NULL;
  g_autofree char *out = NULL;
  g_autofree char *neighbour = NULL;
  g_autofree char *after = NULL;

  ensure_halted ();
  /* panic_timeout: read only when the kernel panics. */
  before = view ("1:::panic_timeout");
  out = run_ok ("Var.set 1:::panic_timeout = 42");
  g_assert_cmpstr (out, ==, "panic_timeout = 42\n");
  g_clear_pointer (&out, g_free);
  out = view ("1:::panic_timeout");
  g_assert_cmpstr (out, ==, "42");
  g_clear_pointer (&out, g_free);
  {
    g_autofree char *restore = g_strdup_printf ("Var.set 1:::panic_timeout = %s", before);

    out = run_ok (restore);
  }
  g_clear_pointer (&out, g_free);
  out = view ("1:::panic_timeout");
  g_assert_cmpstr (out, ==, before);
  g_clear_pointer (&out, g_free);

  /* A bit-field of a real task_struct: swapper never execs; its neighbours keep their bits. */
  neighbour = view ("2:::init_task.in_iowait");
  out = run_ok ("Var.set 2:::init_task.in_execve = 1");
  g_assert_cmpstr (out, ==, "init_task.in_execve = 1\n");
  g_clear_pointer (&out, g_free);
  after = view ("2:::init_task.in_iowait");
  g_assert_cmpstr (after, ==, neighbour);
  out = run_ok ("Var.set 2:::init_task.in_execve = 0");
  g_assert_cmpstr (out, ==, "init_task.in_execve = 0\n");
  g_clear_pointer (&out, g_free);

  /* What it cannot write it refuses, writing nothing. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (run ("Var.set 1:::init_task.comm = 1", &error));
    g_assert_nonnull (strstr (error->message, "only integers, enums, bools and pointers"));
    g_clear_error (&error);
    g_assert_null (run ("Var.set 1:::init_task.in_execve = 2", &error));
    g_assert_nonnull (strstr (error->message, "does not fit"));
  }
}

/* A watch is evaluated again at each halt without being asked, and says when it changed:
 * jiffies moves on while the board runs. */
static void
test_var_watch (void)
{
  GListModel *watches = hs_engine_get_watches (engine);
  g_autoptr(HsWatch) watch = NULL;
  g_autofree char *first = NULL;
  g_autofree char *out = NULL;
  g_autofree char *listed = NULL;
  guint64 before, after;

  ensure_halted ();
  out = run_ok ("Var.Watch 1:::jiffies");
  g_assert_nonnull (strstr (out, "1:::jiffies = "));
  g_assert_cmpuint (g_list_model_get_n_items (watches), ==, 1);
  watch = g_list_model_get_item (watches, 0);
  g_assert_null (hs_watch_get_error (watch));
  first = g_strdup (hs_watch_get_value (watch));
  before = g_ascii_strtoull (first, NULL, 0);
  g_assert_cmpuint (before, >, 0);

  /* jiffies moves only when the idle guest wakes (NO_HZ): a halt after a short run may find
   * it where it was, unmarked; two that find it moved are marked. */
  for (guint attempt = 0, moved = 0; moved < 2; attempt++)
    {
      g_autofree char *previous = g_strdup (hs_watch_get_value (watch));

      g_assert_cmpuint (attempt, <, 20);
      g_free (run_ok ("Go"));
      g_free (run_ok ("WAIT 0.5s"));
      g_free (run_ok ("Break"));
      g_free (listed);
      /* Waits for this halt's evaluation, which the halt started by itself. */
      listed = run_ok ("Var.Watch");
      g_assert_null (hs_watch_get_error (watch));
      if (g_strcmp0 (previous, hs_watch_get_value (watch)) == 0)
        {
          g_assert_false (hs_watch_get_changed (watch));
          g_assert_null (strstr (listed, "(changed)"));
          continue;
        }
      g_assert_true (hs_watch_get_changed (watch));
      g_assert_nonnull (strstr (listed, "(changed)"));
      moved++;
    }
  after = g_ascii_strtoull (hs_watch_get_value (watch), NULL, 0);
  g_assert_cmpuint (after, >, before);
  /* The board left as found: no watch behind. */
  g_free (run_ok ("Var.DelWatch /ALL"));
  g_assert_cmpuint (g_list_model_get_n_items (watches), ==, 0);
}

void
test_board_add_var_tests (void)
{
  g_test_add_func ("/Hs/Board/var-check-commands", test_var_check_commands);
  g_test_add_func ("/Hs/Board/var-kinds", test_var_kinds);
  g_test_add_func ("/Hs/Board/var-strings", test_var_strings);
  g_test_add_func ("/Hs/Board/var-unsized-array", test_var_unsized_array);
  g_test_add_func ("/Hs/Board/var-process-space", test_var_process_space);
  g_test_add_func ("/Hs/Board/var-errors", test_var_errors);
  g_test_add_func ("/Hs/Board/var-query", test_var_query);
  g_test_add_func ("/Hs/Board/var-set", test_var_set);
  g_test_add_func ("/Hs/Board/var-watch", test_var_watch);
}
