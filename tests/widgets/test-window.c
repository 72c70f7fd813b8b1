/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-window.c: the real window under Xvfb.
 *
 * The command line is tested on its own (no target); the main window is
 * tested attached to the real demo board: it must show the cores and
 * machine 0's registers as the engine read them, run Go/Break/Step through
 * its actions, and it is saved as a PNG for a person to look at.
 */
#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "hs-application.h"
#include "hs-board.h"
#include "hs-command-line.h"
#include "hs-memory-view.h"
#include "hs-register-view.h"
#include "hs-table.h"
#include "hs-widgets.h"

#define WAIT_S 60

typedef gboolean (*Predicate) (gpointer data);

static void
wait_until (Predicate   pred,
            gpointer    data,
            const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;

  while (!pred (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
command_line_idle (gpointer data)
{
  return !hs_command_line_is_busy (data);
}

static void
test_command_line (void)
{
  g_autoptr(HsEngine) engine = hs_engine_new ();
  g_autoptr(HsInterp) interp = hs_interp_new (engine);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *cmdline = hs_command_line_new (interp);
  g_autofree char *output = NULL;

  gtk_window_set_child (GTK_WINDOW (window), cmdline);
  gtk_window_present (GTK_WINDOW (window));

  hs_command_line_execute (HS_COMMAND_LINE (cmdline), "PRINT 0x10+2");
  hs_command_line_execute (HS_COMMAND_LINE (cmdline), "Go");
  hs_command_line_execute (HS_COMMAND_LINE (cmdline), "; a comment does nothing");
  hs_command_line_execute (HS_COMMAND_LINE (cmdline), "Regster.view");
  /* A refused connection is an error line, and the command line goes on working. */
  hs_command_line_execute (HS_COMMAND_LINE (cmdline), "SYStem.Attach 127.0.0.1:1");
  hs_command_line_execute (HS_COMMAND_LINE (cmdline), "PRINT STATE.ATTACHED()");
  wait_until (command_line_idle, cmdline, "the command line");

  output = hs_command_line_get_output (HS_COMMAND_LINE (cmdline));
  g_test_message ("%s", output);
  g_assert_nonnull (strstr (output, "> PRINT 0x10+2\n0x12\n"));
  g_assert_nonnull (strstr (output, "> Go\nGo: not attached"));
  g_assert_nonnull (strstr (output, "did you mean Register.view?"));
  g_assert_nonnull (strstr (output, "cannot connect to the gdbstub at 127.0.0.1:1"));
  g_assert_nonnull (strstr (output, "> PRINT STATE.ATTACHED()\nFALSE()\n"));
  g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_DETACHED);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- the main window on the board ------------------------------------------------------- */

typedef struct
{
  HsBoard *board;
  HsApplication *app;
  HsWindow *window;
  HsEngine *engine;
  gboolean board_done;
} Fixture;

static Fixture fx;

static void
board_started (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hs_board_start_finish (HS_BOARD (object), result, &error))
    g_error ("the demo board did not start: %s", error->message);
  fx.board_done = TRUE;
}

static gboolean
board_ready (gpointer data)
{
  return fx.board_done;
}

static gboolean
engine_in_state (gpointer data)
{
  return (int) hs_engine_get_state (fx.engine) == GPOINTER_TO_INT (data);
}

static gboolean
window_idle (gpointer data)
{
  return !hs_command_line_is_busy (HS_COMMAND_LINE (hs_window_get_command_line (fx.window)));
}

static void
activate (const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx.window), action, NULL));
  wait_until (window_idle, NULL, action);
}

static void
check_registers_match_engine (void)
{
  HsRegisterView *view = HS_REGISTER_VIEW (hs_window_get_register_view (fx.window));
  HsCore *core = hs_engine_get_core (fx.engine, hs_engine_get_current_core (fx.engine));
  static const char *const names[] = { "pc", "x0", "VTTBR_EL2", "HCR_EL2", "TTBR0_EL2",
                                       "TCR_EL1", "SCTLR" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *shown = hs_register_view_get_value_text (view, names[i]);
      g_autofree char *expect = NULL;
      guint64 v;

      g_assert_true (hs_core_get_register_by_name (core, names[i], &v));
      expect = g_strdup_printf ("0x%016" G_GINT64_MODIFIER "x", v);
      g_assert_cmpstr (shown, ==, expect);
    }
}

static void
test_window_board (void)
{
  HsCliOptions options = { 0 };
  g_autofree char *location = NULL;
  g_autofree char *png = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GError) error = NULL;
  HsRegisterView *view;
  gboolean any_changed = FALSE;

  fx.board = hs_board_new ();
  hs_board_start_async (fx.board, NULL, board_started, NULL);
  wait_until (board_ready, NULL, "the demo board");

  location = g_strdup_printf ("127.0.0.1:%u", hs_board_get_gdb_port (fx.board));
  options.attach = location;
  fx.app = hs_application_new (&options);
  g_assert_true (g_application_register (G_APPLICATION (fx.app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (fx.app));
  fx.window = hs_application_get_window (fx.app);
  g_assert_nonnull (fx.window);
  /* The keyboard reaches the same actions as the toolbar. */
  {
    static const char *const expect[][2] = {
      { "win.go", "F5" }, { "win.break", "<Control>period" }, { "win.step", "F11" },
      { "win.focus-command-line", "<Control>l" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
      {
        g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (fx.app),
                                                                      expect[i][0]);

        g_assert_nonnull (accels[0]);
        g_assert_cmpstr (accels[0], ==, expect[i][1]);
      }
  }
  fx.engine = hs_window_get_engine (fx.window);

  /* Attaching leaves the board running; Break comes from the window's action. */
  wait_until (engine_in_state, GINT_TO_POINTER (HS_ENGINE_STATE_RUNNING), "attach");
  activate ("win.break");
  g_assert_cmpint (hs_engine_get_state (fx.engine), ==, HS_ENGINE_STATE_HALTED);
  check_registers_match_engine ();

  /* The demo's session script, through the command line as the app runs it. */
  {
    g_autofree char *session = hs_board_get_session_script (fx.board);

    hs_window_run_script (fx.window, session);
    wait_until (window_idle, NULL, "the session script");
    g_assert_cmpuint (g_list_model_get_n_items (hs_engine_get_machines (fx.engine)), ==, 3);
  }

  /* Go and Break again: now some registers have changed and are marked. */
  activate ("win.go");
  g_assert_cmpint (hs_engine_get_state (fx.engine), ==, HS_ENGINE_STATE_RUNNING);
  g_usleep (200 * 1000);
  activate ("win.break");
  g_assert_cmpint (hs_engine_get_state (fx.engine), ==, HS_ENGINE_STATE_HALTED);
  check_registers_match_engine ();
  /* Some core moved while it ran (the guests are busy); shown on it, the view marks exactly
   * the registers the engine says changed. */
  view = HS_REGISTER_VIEW (hs_window_get_register_view (fx.window));
  for (guint c = 0; c < hs_engine_get_n_cores (fx.engine) && !any_changed; c++)
    {
      HsCore *core = hs_engine_get_core (fx.engine, c);
      gint pc = hs_engine_lookup_register (fx.engine, "pc");

      if (!hs_core_register_changed (core, pc))
        continue;
      any_changed = TRUE;
      hs_engine_set_current_core (fx.engine, c);
      g_assert_true (hs_register_view_is_changed (view, "pc"));
      for (guint i = 0; i <= 30; i++)
        {
          g_autofree char *name = g_strdup_printf ("x%u", i);

          g_assert_cmpint (hs_register_view_is_changed (view, name), ==,
                           hs_core_register_changed (core, hs_engine_lookup_register (fx.engine,
                                                                                      name)));
        }
      check_registers_match_engine ();
    }
  g_assert_true (any_changed);

  /* Step through the window's action, on the current core. */
  activate ("win.step");
  output = hs_command_line_get_output (HS_COMMAND_LINE (hs_window_get_command_line (fx.window)));
  g_assert_nonnull (strstr (output, "> Step /CORE"));
  g_assert_cmpint (hs_engine_get_state (fx.engine), ==, HS_ENGINE_STATE_HALTED);

  /* The guest list and the global task list show what the engine found. */
  {
    HsTable *guests = HS_TABLE (hs_window_get_guest_list (fx.window));
    HsTable *tasks = HS_TABLE (hs_window_get_task_list (fx.window));
    GListModel *model = hs_engine_get_tasks (fx.engine);
    gboolean ticker = FALSE;
    g_autofree char *tasks_png = NULL;
    GtkWidget *notebook;

    g_assert_cmpuint (g_list_model_get_n_items (model), >, 40);
    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(HsTask) task = g_list_model_get_item (model, i);
        g_autofree char *name = hs_table_get_text (tasks, i, 3);
        g_autofree char *pid = hs_table_get_text (tasks, i, 1);
        g_autofree char *expect_pid = g_strdup_printf ("%d", hs_task_get_pid (task));

        g_assert_cmpstr (name, ==, hs_task_get_name (task));
        g_assert_cmpstr (pid, ==, expect_pid);
        ticker |= g_strcmp0 (name, "linux2_ticker") == 0;
      }
    g_assert_true (ticker);
    {
      g_autofree char *name = hs_table_get_text (guests, 1, 1);
      g_autofree char *vcpus = hs_table_get_text (guests, 1, 5);

      g_assert_cmpstr (name, ==, "linux1");
      g_assert_cmpstr (vcpus, ==, "2");
    }
    notebook = gtk_widget_get_ancestor (GTK_WIDGET (tasks), GTK_TYPE_NOTEBOOK);
    g_assert_nonnull (notebook);
    gtk_notebook_set_current_page (GTK_NOTEBOOK (notebook), 2);
    for (guint i = 0; i < 30; i++)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10 * 1000);
      }
    tasks_png = g_test_build_filename (G_TEST_BUILT, "widgets", "task-list.png", NULL);
    g_assert_true (hs_widget_save_png (GTK_WIDGET (fx.window), tasks_png, &error));
    g_assert_no_error (error);
    gtk_notebook_set_current_page (GTK_NOTEBOOK (notebook), 0);
  }

  /* The memory view takes any address form; a bad one says why and keeps what was shown. */
  {
    HsMemoryView *memory = HS_MEMORY_VIEW (hs_window_get_memory_view (fx.window));
    g_autofree char *text = NULL;
    g_autofree char *after = NULL;
    g_autofree char *memory_png = NULL;
    GtkWidget *notebook = gtk_widget_get_ancestor (GTK_WIDGET (memory), GTK_TYPE_NOTEBOOK);

    g_assert_true (hs_memory_view_show (memory, "2:::linux_banner", &error));
    g_assert_no_error (error);
    wait_until ((Predicate) hs_memory_view_is_loaded, memory, "the memory view");
    text = hs_memory_view_get_text (memory);
    g_test_message ("%s", text);
    g_assert_nonnull (strstr (text, "Linux version 6."));
    g_assert_nonnull (strstr (text, "2:::0xffff8000"));
    g_assert_false (hs_memory_view_show (memory, "5:::0x1000", &error));
    g_assert_nonnull (strstr (error->message, "machine 5 does not exist"));
    g_clear_error (&error);
    after = hs_memory_view_get_text (memory);
    g_assert_cmpstr (after, ==, text);

    gtk_notebook_set_current_page (GTK_NOTEBOOK (notebook), 1);
    for (guint i = 0; i < 30; i++)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10 * 1000);
      }
    memory_png = g_test_build_filename (G_TEST_BUILT, "widgets", "memory.png", NULL);
    g_assert_true (hs_widget_save_png (GTK_WIDGET (fx.window), memory_png, &error));
    g_assert_no_error (error);
    gtk_notebook_set_current_page (GTK_NOTEBOOK (notebook), 0);
  }

  /* Machine 0's register window, as the user sees it. */
  hs_command_line_execute (HS_COMMAND_LINE (hs_window_get_command_line (fx.window)),
                           "Register.view /CORE 0");
  wait_until (window_idle, NULL, "Register.view");
  for (guint i = 0; i < 20; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  png = g_test_build_filename (G_TEST_BUILT, "widgets", "main-window.png", NULL);
  g_assert_true (hs_widget_save_png (GTK_WIDGET (fx.window), png, &error));
  g_assert_no_error (error);
  g_test_message ("saved %s", png);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));

  gtk_window_destroy (GTK_WINDOW (fx.window));
  hs_board_stop (fx.board);
  g_clear_object (&fx.app);
  g_clear_object (&fx.board);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  hs_widgets_init ();

  g_test_add_func ("/Hs/Widgets/command-line", test_command_line);
  g_test_add_func ("/Hs/Widgets/window-board", test_window_board);
  return g_test_run ();
}
