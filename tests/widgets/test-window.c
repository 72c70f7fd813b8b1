/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-window.c: the real window under Xvfb.
 *
 * The main window, attached to the real demo board (the command line alone
 * is test-command-line.c's): it must show the cores and
 * machine 0's registers as the engine read them, run Go/Break/Step through
 * its actions, and it is saved as a PNG for a person to look at.
 */
#include "config.h"

#include "hs-test-util.h"

#include <gtk/gtk.h>
#include <string.h>

#include "hs-application.h"
#include "hs-board.h"
#include "hs-command-line.h"
#include "hs-disasm-view.h"
#include "hs-frame-view.h"
#include "hs-guest-tree.h"
#include "hs-log-view.h"
#include "hs-memory-view.h"
#include "hs-register-view.h"
#include "hs-source-view.h"
#include "hs-symbol-scope.h"
#include "hs-table.h"
#include "hs-task-list.h"
#include "hs-watch-view.h"
#include "hs-widgets.h"

#define WAIT_S 60

typedef gboolean (*Predicate) (gpointer data);

static void
wait_until (Predicate   pred,
            gpointer    data,
            const char *what)
{
  hs_test_wait_until (pred, data, WAIT_S, what);
}

/* Like wait_until() with its own limit: for what the board does by itself, in seconds. */
static void
wait_until_s (Predicate   pred,
              gpointer    data,
              guint       seconds,
              const char *what)
{
  hs_test_wait_until (pred, data, seconds, what);
}

/* ---- the main window on the board ------------------------------------------------------- */

typedef struct
{
  HsBoard *board;
  HsApplication *app;
  HsWindow *window;
  HsEngine *engine;
  gboolean board_done;
  gboolean session_done;
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
settle (void)
{
  for (guint i = 0; i < 30; i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
}

static void
save_png (GtkWidget  *widget,
          const char *path)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = hs_widget_save_png (widget, path, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
  g_test_message ("saved %s", path);
}

static gboolean
some_pc_changed (void)
{
  gint pc = hs_engine_lookup_register (fx.engine, "pc");

  for (guint c = 0; c < hs_engine_get_n_cores (fx.engine); c++)
    if (hs_core_register_changed (hs_engine_get_core (fx.engine, c), pc))
      return TRUE;
  return FALSE;
}

static const char *const compared[] = { "pc", "sp", "x19", "x29" };

static gboolean
register_view_shows_task (gpointer data)
{
  const char *source = hs_register_view_get_source (data);
  g_autofree char *pc = hs_register_view_get_value_text (data, "pc");

  return source != NULL && (g_str_has_prefix (source, "saved") || g_str_has_prefix (source, "Xen")
                            || g_str_has_prefix (source, "live"))
         && strstr (hs_register_view_get_title (data), "linux2_ticker") != NULL
         && pc != NULL && g_str_has_prefix (pc, "0x");
}

static gboolean
frames_shown (gpointer data)
{
  return hs_frame_view_get_n_frames (data) > 0;
}

/* The log view shows machine 2's kernel log (the ticker's machine). */
static gboolean
log_of_machine_2_shown (gpointer data)
{
  HsLog *log = hs_log_view_get_log (data);

  return log != NULL && hs_log_get_machine (log) == 2 && hs_log_view_get_n_lines (data) > 0;
}

/* ... scrolled to its end, where the newest lines are. */
static gboolean
log_at_end (gpointer data)
{
  GtkAdjustment *adj = hs_log_view_get_vadjustment (data);

  return gtk_adjustment_get_page_size (adj) > 0
         && gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj)
            >= gtk_adjustment_get_upper (adj) - 2;
}

static gboolean
disasm_shown (gpointer data)
{
  g_autofree char *text = hs_disasm_view_get_text (data);

  return strstr (text, "→") != NULL;
}

static gboolean
frame0_is (gpointer data)
{
  const HsFrame *f = hs_frame_view_get_frame (HS_FRAME_VIEW (hs_window_get_frame_view (fx.window)),
                                              0);

  return f != NULL && g_strcmp0 (f->function, data) == 0;
}

/* The window's status line: the last label of its content box. */
static GtkWidget *
find_status_label (void)
{
  GtkWidget *box = gtk_window_get_child (GTK_WINDOW (fx.window));

  return gtk_widget_get_last_child (box);
}

static gboolean
status_has (gpointer data)
{
  return strstr (gtk_label_get_text (GTK_LABEL (find_status_label ())), data) != NULL;
}

static gboolean
memory_shows (gpointer data)
{
  g_autofree char *text = hs_memory_view_get_text (
    HS_MEMORY_VIEW (hs_window_get_memory_view (fx.window)));

  return strstr (text, data) != NULL;
}

static gboolean
source_shown (gpointer data)
{
  return hs_source_view_get_path (data) != NULL && !hs_source_view_is_loading (data)
         && hs_source_view_get_current_line (data) > 0
         && hs_source_view_current_line_visible (data);
}

/* How many "<guest>_ticker: tick" lines the board's serial log has: the guests print one
 * every 10 s while the board runs. */
static guint
count_ticks (const char *serial)
{
  g_autofree char *text = NULL;
  guint n = 0;

  if (!g_file_get_contents (serial, &text, NULL, NULL))
    return 0;
  for (const char *p = text; (p = strstr (p, "_ticker: tick")) != NULL; p++)
    n++;
  return n;
}

typedef struct
{
  const char *serial;
  guint before;
} TickWait;

static gboolean
ticks_after (gpointer data)
{
  TickWait *w = data;

  return count_ticks (w->serial) > w->before;
}

static gboolean
n_breakpoints_is (gpointer data)
{
  return g_list_model_get_n_items (hs_engine_get_breakpoints (fx.engine))
         == GPOINTER_TO_UINT (data);
}

static gboolean
source_has_marks (gpointer data)
{
  HsSourceView *source = HS_SOURCE_VIEW (hs_window_get_source_view (fx.window));
  g_autoptr(GArray) marks = hs_source_view_get_mark_lines (source, "hs-breakpoint");

  return marks->len == GPOINTER_TO_UINT (data);
}

static gboolean
window_gone (gpointer data)
{
  return hs_application_get_window (fx.app) == NULL;
}

static gboolean
xen_source_shown (gpointer data)
{
  return source_shown (data) && strstr (hs_source_view_get_path (data), "/xen/") != NULL;
}

/* Runs @line in the window's command line and returns what it printed. */
static char *
run_in_command_line (const char *line)
{
  HsCommandLine *cmdline = HS_COMMAND_LINE (hs_window_get_command_line (fx.window));
  g_autofree char *before = hs_command_line_get_output (cmdline);
  g_autofree char *after = NULL;

  hs_command_line_execute (cmdline, line);
  wait_until (window_idle, NULL, line);
  after = hs_command_line_get_output (cmdline);
  return g_strdup (after + strlen (before));
}

static GtkWindow *
find_window (const char *title)
{
  GListModel *windows = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (windows); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (windows, i);

      if (g_strcmp0 (gtk_window_get_title (w), title) == 0)
        return w;
    }
  return NULL;
}

static GtkWidget *
find_child (GtkWidget *widget,
            GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_child (c, type);

      if (found)
        return found;
    }
  return NULL;
}

/* Brings @page's notebook tab to the front. */
static void
show_page (GtkWidget *page)
{
  GtkWidget *notebook = gtk_widget_get_ancestor (page, GTK_TYPE_NOTEBOOK);

  while (notebook && gtk_notebook_page_num (GTK_NOTEBOOK (notebook), page) < 0)
    page = gtk_widget_get_parent (page);
  if (notebook)
    gtk_notebook_set_current_page (GTK_NOTEBOOK (notebook),
                                   gtk_notebook_page_num (GTK_NOTEBOOK (notebook), page));
  settle ();
}

static void
run_session_script (void)
{
  g_autofree char *session = hs_board_get_session_script (fx.board);

  hs_window_run_script (fx.window, session);
  wait_until (window_idle, NULL, "the session script");
  fx.session_done = TRUE;
}

/* The board, the application and its window, attached (and, with @halt, halted, with the demo's
 * session script run), shared by the cases in order: started by the first case that needs
 * them, so any case can also run alone (-p). */
static void
ensure_window (gboolean halt)
{
  HsCliOptions options = { 0 };
  g_autofree char *location = NULL;
  g_autoptr(GError) error = NULL;

  if (fx.window != NULL)
    goto attached;
  g_assert_null (fx.board);
  fx.board = hs_board_new ();
  hs_board_start_async (fx.board, NULL, board_started, NULL);
  wait_until (board_ready, NULL, "the demo board");

  location = g_strdup_printf ("127.0.0.1:%u", hs_board_get_gdb_port (fx.board));
  options.attach = location;
  options.no_session = TRUE;
  fx.app = hs_application_new (&options);
  g_assert_true (g_application_register (G_APPLICATION (fx.app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (fx.app));
  fx.window = hs_application_get_window (fx.app);
  g_assert_nonnull (fx.window);
  fx.engine = hs_window_get_engine (fx.window);
  /* Attaching leaves the board running. */
  wait_until (engine_in_state, GINT_TO_POINTER (HS_ENGINE_STATE_RUNNING), "attach");

attached:
  if (!halt)
    return;
  if (hs_engine_get_state (fx.engine) == HS_ENGINE_STATE_RUNNING)
    activate ("win.break");
  g_assert_cmpint (hs_engine_get_state (fx.engine), ==, HS_ENGINE_STATE_HALTED);
  if (!fx.session_done)
    run_session_script ();
}

static void
test_window_attach (void)
{
  ensure_window (FALSE);
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

  /* Attaching leaves the board running; Break comes from the window's action. */
  wait_until (engine_in_state, GINT_TO_POINTER (HS_ENGINE_STATE_RUNNING), "attach");
  activate ("win.break");
  g_assert_cmpint (hs_engine_get_state (fx.engine), ==, HS_ENGINE_STATE_HALTED);
  check_registers_match_engine ();

  /* The demo's session script, through the command line as the app runs it. */
  run_session_script ();
  g_assert_cmpuint (g_list_model_get_n_items (hs_engine_get_machines (fx.engine)), ==, 3);
}

static void
test_window_changed_registers (void)
{
  HsRegisterView *view;
  gboolean any_changed = FALSE;

  ensure_window (TRUE);
  /* Go and Break again until some core moved (idle cores wait at the same WFI): the changed
   * registers are marked. */
  for (guint attempt = 0; attempt < 10 && !some_pc_changed (); attempt++)
    {
      activate ("win.go");
      g_assert_cmpint (hs_engine_get_state (fx.engine), ==, HS_ENGINE_STATE_RUNNING);
      settle ();
      /* Running, nobody knows a core's exception level: the title says so in words. */
      {
        const char *title = hs_register_view_get_title (
          HS_REGISTER_VIEW (hs_window_get_register_view (fx.window)));

        g_assert_null (strstr (title, "EL-"));
        g_assert_nonnull (strstr (title, "exception level unknown while running"));
      }
      g_usleep (300 * 1000);
      activate ("win.break");
      g_assert_cmpint (hs_engine_get_state (fx.engine), ==, HS_ENGINE_STATE_HALTED);
      check_registers_match_engine ();
    }
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
}

static void
test_window_register_edit (void)
{
  HsRegisterView *view = HS_REGISTER_VIEW (hs_window_get_register_view (fx.window));

  ensure_window (TRUE);
  /* A live register is editable: the view asks the window, which runs Register.Set; the
   * value reads back. (x0 gets its own value: the guests must not notice.) */
  {
    g_autofree char *x0 = hs_register_view_get_value_text (view, "x0");
    g_autofree char *out = NULL;
    g_autofree char *before = hs_command_line_get_output (
      HS_COMMAND_LINE (hs_window_get_command_line (fx.window)));

    g_assert_true (hs_register_view_edit (view, "x0", x0));
    wait_until (window_idle, NULL, "Register.Set");
    out = hs_command_line_get_output (HS_COMMAND_LINE (hs_window_get_command_line (fx.window)));
    g_assert_nonnull (strstr (out + strlen (before), "> Register.Set x0 0x"));
    g_assert_null (strstr (out + strlen (before), "error"));
    g_free (out);
    out = hs_register_view_get_value_text (view, "x0");
    g_assert_cmpstr (out, ==, x0);
  }
}

static void
test_window_step (void)
{
  g_autofree char *output = NULL;

  ensure_window (TRUE);
  /* Step through the window's action, on the current core. */
  activate ("win.step");
  output = hs_command_line_get_output (HS_COMMAND_LINE (hs_window_get_command_line (fx.window)));
  g_assert_nonnull (strstr (output, "> Step /CORE"));
  g_assert_cmpint (hs_engine_get_state (fx.engine), ==, HS_ENGINE_STATE_HALTED);
}

static void
test_window_guest_tree (void)
{
  ensure_window (TRUE);
  /* The guest tree: both guests, their vCPUs. */
  {
    HsGuestTree *tree = HS_GUEST_TREE (hs_window_get_guest_list (fx.window));
    g_autoptr(GString) rows = g_string_new (NULL);
    guint vcpu_rows = 0;

    hs_guest_tree_expand_all (tree);
    settle ();
    for (guint i = 0; i < hs_guest_tree_get_n_rows (tree); i++)
      {
        g_autofree char *text = hs_guest_tree_get_row_text (tree, i);

        g_string_append_printf (rows, "%s\n", text);
        vcpu_rows += g_str_has_prefix (text, "vCPU ");
      }
    g_test_message ("%s", rows->str);
    g_assert_nonnull (strstr (rows->str, "linux1"));
    g_assert_nonnull (strstr (rows->str, "linux2"));
    /* linux1 has two vCPUs, linux2 one. */
    g_assert_cmpuint (vcpu_rows, ==, 3);
  }
}

static void
test_window_task_context (void)
{
  ensure_window (TRUE);
  /* The global task list: a double-click on a ticker makes it the current context, and the
   * registers and the stack are that task's, as the command language reads them. */
  {
    HsTaskList *tasks = HS_TASK_LIST (hs_window_get_task_list (fx.window));
    HsRegisterView *regs = HS_REGISTER_VIEW (hs_window_get_register_view (fx.window));
    HsFrameView *frames = HS_FRAME_VIEW (hs_window_get_frame_view (fx.window));
    HsTask *ticker;
    g_autofree char *expect = NULL;
    g_autofree char *tasks_png = NULL;
    const char *shown_title;

    g_assert_cmpuint (g_list_model_get_n_items (hs_engine_get_tasks (fx.engine)), >, 40);
    hs_task_list_set_filter_text (tasks, "linux2_ticker");
    g_assert_cmpuint (hs_task_list_get_n_rows (tasks), ==, 1);
    ticker = hs_engine_find_task (fx.engine, 2, "linux2_ticker", NULL);
    g_assert_nonnull (ticker);
    hs_task_list_activate_row (tasks, 0);
    g_assert_true (hs_engine_get_current_task (fx.engine) == ticker);
    wait_until (register_view_shows_task, regs, "the ticker's registers");
    wait_until (frames_shown, frames, "the ticker's stack");
    shown_title = hs_register_view_get_title (regs);
    g_test_message ("%s", shown_title);
    g_assert_nonnull (strstr (shown_title, "linux2_ticker"));

    expect = run_in_command_line ("Register.view /MACHINE 2 /TASK linux2_ticker");
    g_test_message ("%s", expect);
    for (guint i = 0; i < G_N_ELEMENTS (compared); i++)
      {
        g_autofree char *value = hs_register_view_get_value_text (regs, compared[i]);
        g_autofree char *line = g_strdup_printf ("%-4s %s", compared[i], value);

        g_assert_nonnull (value);
        g_assert_nonnull (strstr (expect, line));
      }
    {
      g_autofree char *stack = run_in_command_line ("Frame.view /MACHINE 2 /TASK linux2_ticker");
      g_autofree char *top = hs_frame_view_get_text (frames, 0);
      const HsFrame *f0 = hs_frame_view_get_frame (frames, 0);
      g_autofree char *pc = g_strdup_printf ("2:::0x%016" G_GINT64_MODIFIER "x", f0->pc);

      g_test_message ("%s\n%s", top, stack);
      g_assert_nonnull (strstr (stack, pc));
      g_assert_nonnull (strstr (top, f0->function));
    }
    /* The disassembly follows the selected frame. */
    wait_until (disasm_shown, hs_window_get_disasm_view (fx.window), "the disassembly");
    tasks_png = g_test_build_filename (G_TEST_BUILT, "widgets", "task-list.png", NULL);
    show_page (hs_window_get_task_list (fx.window));
    save_png (GTK_WIDGET (fx.window), tasks_png);

    /* The Log tab follows the machine in view: the ticker's, machine 2, read on the worker. */
    {
      HsLogView *log_view = HS_LOG_VIEW (hs_window_get_log_view (fx.window));
      g_autofree char *log_png = g_test_build_filename (G_TEST_BUILT, "widgets", "log.png",
                                                       NULL);
      g_autofree char *last = NULL;
      g_autofree char *dmesg = NULL;
      gboolean banner = FALSE;

      wait_until (log_of_machine_2_shown, log_view, "machine 2's kernel log");
      for (guint i = 0; i < hs_log_view_get_n_lines (log_view) && !banner; i++)
        {
          g_autofree char *text = hs_log_view_get_line_text (log_view, i);

          banner = strstr (text, "] Linux version 6.1.0-") != NULL;
        }
      g_assert_true (banner);
      last = hs_log_view_get_line_text (log_view, hs_log_view_get_n_lines (log_view) - 1);
      dmesg = run_in_command_line ("TASK.DMESG /MACHINE 2 /Last 1");
      g_test_message ("the log view ends with %s; TASK.DMESG with %s", last, dmesg);
      g_assert_nonnull (strstr (dmesg, last));
      show_page (GTK_WIDGET (log_view));
      wait_until (log_at_end, log_view, "the log view at its end");
      save_png (GTK_WIDGET (fx.window), log_png);
    }

    /* Tab completes functions of the machine an address names. */
    {
      g_autofree char *done = hs_command_line_complete (
        HS_COMMAND_LINE (hs_window_get_command_line (fx.window)),
        "Break.Set 2:::schedule_hrtimeout_ra");

      g_assert_cmpstr (done, ==, "Break.Set 2:::schedule_hrtimeout_range");
    }
    hs_task_list_set_filter_text (tasks, "");
  }
}

static void
test_window_task_breakpoint (void)
{
  ensure_window (TRUE);
  /* "Set breakpoint for this task…" from the list: the engine holds a breakpoint scoped to
   * that machine and task. */
  {
    HsTaskList *tasks = HS_TASK_LIST (hs_window_get_task_list (fx.window));
    HsRegisterView *regs = HS_REGISTER_VIEW (hs_window_get_register_view (fx.window));
    HsTask *ticker = hs_engine_find_task (fx.engine, 2, "linux2_ticker", NULL);

    g_assert_nonnull (ticker);
    hs_task_list_set_filter_text (tasks, "linux2_ticker");
    g_assert_true (hs_task_list_select (tasks, ticker));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (tasks), "task-list.set-breakpoint",
                                               NULL));
    {
      GtkWindow *dialog = find_window ("Breakpoint for linux2_ticker");
      GtkWidget *entry;
      GListModel *bps = hs_engine_get_breakpoints (fx.engine);
      g_autoptr(HsBreakpoint) bp = NULL;

      g_assert_nonnull (dialog);
      entry = find_child (GTK_WIDGET (dialog), GTK_TYPE_ENTRY);
      g_assert_nonnull (entry);
      /* Typing offers the machine's functions that start with it. */
      gtk_editable_set_text (GTK_EDITABLE (entry), "schedule_hrtimeout_ra");
      {
        GtkWidget *list = find_child (GTK_WIDGET (dialog), GTK_TYPE_LIST_VIEW);
        GListModel *offered = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list)));
        g_autoptr(GtkStringObject) first = g_list_model_get_item (offered, 0);

        g_assert_cmpuint (g_list_model_get_n_items (offered), >=, 2);
        g_assert_true (g_str_has_prefix (gtk_string_object_get_string (first),
                                         "schedule_hrtimeout_range"));
        /* A click on one takes it. */
        g_signal_emit_by_name (list, "activate", 0);
        g_assert_true (g_str_has_prefix (gtk_editable_get_text (GTK_EDITABLE (entry)),
                                         "schedule_hrtimeout_range"));
      }
      gtk_editable_set_text (GTK_EDITABLE (entry), "schedule_hrtimeout_range");
      g_signal_emit_by_name (entry, "activate");
      wait_until (window_idle, NULL, "Break.Set");
      g_assert_cmpuint (g_list_model_get_n_items (bps), ==, 1);
      bp = g_list_model_get_item (bps, 0);
      g_assert_cmpint (hs_breakpoint_get_machine_scope (bp), ==, 2);
      g_assert_cmpint (hs_breakpoint_get_task_pid (bp), ==, hs_task_get_pid (ticker));
      g_assert_cmpstr (hs_breakpoint_get_symbol (bp), ==, "schedule_hrtimeout_range");
      g_assert_cmpuint (hs_breakpoint_get_address (bp)->machine, ==, 2);

      /* Go: the board stops only when the ticker (it polls every 10 s) reaches the function,
       * and every view shows that task there. */
      activate ("win.go");
      wait_until (engine_in_state, GINT_TO_POINTER (HS_ENGINE_STATE_HALTED), "the ticker's stop");
      g_assert_true (hs_engine_get_current_task (fx.engine) == ticker);
      g_assert_true (hs_engine_get_last_breakpoint (fx.engine) == bp);
      wait_until (frame0_is, "schedule_hrtimeout_range", "the stack at the breakpoint");
      wait_until (register_view_shows_task, regs, "the ticker's registers at the breakpoint");
      wait_until (status_has, "schedule_hrtimeout_range", "the stop in the status line");
      {
        g_autofree char *said = hs_command_line_get_output (
          HS_COMMAND_LINE (hs_window_get_command_line (fx.window)));
        const char *status = gtk_label_get_text (GTK_LABEL (find_status_label ()));

        g_test_message ("%s", status);
        g_assert_nonnull (strstr (said, "stopped at 2:::0x"));
        g_assert_nonnull (strstr (status, "showing task linux2_ticker"));
        g_assert_nonnull (strstr (status, "schedule_hrtimeout_range"));
      }
      {
        g_autofree char *bp_png = g_test_build_filename (G_TEST_BUILT, "widgets",
                                                         "task-breakpoint.png", NULL);

        show_page (hs_window_get_frame_view (fx.window));
        save_png (GTK_WIDGET (fx.window), bp_png);
      }
      /* The guest kernel's source: the board build fetched the tree of the very version the
       * guests run and the demo session mapped it, so the task's frame shows its C line. */
      {
        HsSourceView *source = HS_SOURCE_VIEW (hs_window_get_source_view (fx.window));
        const HsFrame *f0 = hs_frame_view_get_frame (
          HS_FRAME_VIEW (hs_window_get_frame_view (fx.window)), 0);
        g_autofree char *guest_png = g_test_build_filename (G_TEST_BUILT, "widgets",
                                                            "guest-source.png", NULL);
        g_autofree char *text = NULL;

        wait_until (source_shown, source, "the guest kernel's source");
        g_test_message ("source: %s:%u (frame %s:%u)", hs_source_view_get_path (source),
                        hs_source_view_get_current_line (source), f0->file, f0->line);
        g_assert_nonnull (strstr (hs_source_view_get_path (source), "/linux-src/"));
        g_assert_true (g_str_has_suffix (hs_source_view_get_path (source),
                                         "kernel/time/hrtimer.c"));
        g_assert_cmpuint (hs_source_view_get_current_line (source), ==, f0->line);
        text = hs_source_view_get_line_text (source, f0->line);
        g_test_message ("line %u: %s", f0->line, text);
        g_assert_nonnull (text);
        g_assert_cmpuint (strlen (g_strstrip (text)), >, 0);
        show_page (hs_window_get_frame_view (fx.window));
        save_png (GTK_WIDGET (fx.window), guest_png);
      }
      g_free (run_in_command_line ("Break.DISable /Id 1."));
    }
    hs_task_list_set_filter_text (tasks, "");
  }
}

static gboolean
variables_read (gpointer data)
{
  return hs_frame_view_has_variables (data) && !hs_frame_view_is_writing (data);
}

static gboolean
member_shown (gpointer data)
{
  HsFrameView *frames = HS_FRAME_VIEW (hs_window_get_frame_view (fx.window));
  g_autofree char *text = hs_frame_view_get_variable_text (frames, 4, "t.tv_nsec");

  return text && g_str_has_prefix (text, data) && variables_read (frames);
}

static void
edit_in_view (HsFrameView *frames,
              guint        level,
              const char  *name,
              const char  *text)
{
  GtkWidget *entry = find_child (GTK_WIDGET (frames), GTK_TYPE_ENTRY);

  g_assert_true (hs_frame_view_edit_variable (frames, level, name));
  g_assert_nonnull (entry);
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (entry)));
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_signal_emit_by_name (entry, "activate");
  settle ();
  wait_until (variables_read, frames, "the write and the re-read");
  g_test_message ("edit: %s", hs_frame_view_get_status (frames));
}

/* The stack view's variables: a frame expands to its parameters and locals as the guest has
 * them, and a double-click writes one where it lives. */
static void
test_window_frame_locals (void)
{
  HsFrameView *frames;
  g_autofree char *rqtp = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *clockid = NULL;
  g_autofree char *png = g_test_build_filename (G_TEST_BUILT, "widgets", "frame-locals.png",
                                                NULL);
  g_autofree char *edit_png = g_test_build_filename (G_TEST_BUILT, "widgets",
                                                     "frame-locals-edit.png", NULL);
  g_autofree char *deeper_png = g_test_build_filename (G_TEST_BUILT, "widgets",
                                                       "frame-locals-deeper.png", NULL);

  ensure_window (TRUE);
  frames = HS_FRAME_VIEW (hs_window_get_frame_view (fx.window));
  g_free (run_in_command_line ("Break.Set 2:::hrtimer_nanosleep /MACHINE 2"));
  activate ("win.go");
  wait_until (engine_in_state, GINT_TO_POINTER (HS_ENGINE_STATE_HALTED), "machine 2's sleep");
  g_free (run_in_command_line ("Break.Delete"));
  wait_until (frame0_is, "hrtimer_nanosleep", "the stack at hrtimer_nanosleep");
  show_page (GTK_WIDGET (frames));
  hs_frame_view_set_expanded (frames, 0, TRUE);
  wait_until (variables_read, frames, "the frames' variables");
  rqtp = hs_frame_view_get_variable_text (frames, 0, "rqtp");
  mode = hs_frame_view_get_variable_text (frames, 0, "mode");
  g_test_message ("%s\n%s", rqtp, mode);
  g_assert_nonnull (rqtp);
  g_assert_true (g_str_has_prefix (rqtp, "rqtp = 600000000 "));
  g_assert_nonnull (mode);
  g_assert_true (g_str_has_prefix (mode, "mode = HRTIMER_MODE_REL "));
  save_png (GTK_WIDGET (fx.window), png);

  /* A register-held parameter of frame 0: written where the task keeps it (the core that runs
   * it), re-read, and restored. clockid is only read again when the sleep is set up. */
  edit_in_view (frames, 0, "clockid", "1");
  g_assert_nonnull (strstr (hs_frame_view_get_status (frames), "written to"));
  clockid = hs_frame_view_get_variable_text (frames, 0, "clockid");
  g_assert_true (g_str_has_prefix (clockid, "clockid = 1 "));
  /* The re-read after the write kept frame 0 open: the same function is still there. */
  g_assert_true (hs_frame_view_get_expanded (frames, 0));
  edit_in_view (frames, 0, "clockid", "0");
  g_free (clockid);
  clockid = hs_frame_view_get_variable_text (frames, 0, "clockid");
  g_assert_true (g_str_has_prefix (clockid, "clockid = 0 "));
  /* An enumerator by name. */
  edit_in_view (frames, 0, "mode", "HRTIMER_MODE_REL");
  g_free (mode);
  mode = hs_frame_view_get_variable_text (frames, 0, "mode");
  g_assert_true (g_str_has_prefix (mode, "mode = HRTIMER_MODE_REL "));
  g_assert_null (strstr (hs_frame_view_get_status (frames), "cannot"));
  /* What cannot be written says why: a caller's register (not saved where it could be
   * written), a struct, a value optimised out. */
  g_assert_false (hs_frame_view_edit_variable (frames, 2, "flags"));
  g_assert_nonnull (strstr (hs_frame_view_get_status (frames), "caller frame #2"));
  g_assert_false (hs_frame_view_edit_variable (frames, 2, "t"));
  g_assert_nonnull (strstr (hs_frame_view_get_status (frames), "use Var.set"));
  g_assert_false (hs_frame_view_edit_variable (frames, 0, "ret"));
  g_assert_nonnull (strstr (hs_frame_view_get_status (frames), "optimised out"));
  /* Deeper in the same sleep: hrtimer_nanosleep, opened at #0, is still open further down. */
  {
    HsTask *task = hs_engine_get_current_task (fx.engine);
    g_autofree char *set = g_strdup_printf ("Break.Set 2:::hrtimer_start_range_ns /MACHINE 2 "
                                            "/TASK %d", hs_task_get_pid (task));

    g_free (run_in_command_line (set));
    activate ("win.go");
    wait_until (engine_in_state, GINT_TO_POINTER (HS_ENGINE_STATE_HALTED), "the timer's start");
    g_free (run_in_command_line ("Break.Delete"));
    wait_until (frame0_is, "hrtimer_start_range_ns", "the stack at hrtimer_start_range_ns");
    wait_until (variables_read, frames, "the frames' variables");
    g_assert_false (hs_frame_view_get_expanded (frames, 0));
    g_assert_true (g_strcmp0 (hs_frame_view_get_frame (frames, 2)->function,
                              "hrtimer_nanosleep") == 0);
    g_assert_true (hs_frame_view_get_expanded (frames, 2));
    /* Its locals live in registers or are constants here (-O2), but t is on its stack: a
     * struct, which the view leaves to Var.set. */
    g_assert_false (hs_frame_view_edit_variable (frames, 2, "t"));
    g_assert_nonnull (strstr (hs_frame_view_get_status (frames), "use Var.set"));
    /* ... but its members are, in memory: frame #4's copy of the request, opened to its
     * members, one written and re-read from the target, then restored. */
    g_assert_cmpstr (hs_frame_view_get_frame (frames, 4)->function, ==,
                     "__arm64_sys_clock_nanosleep");
    hs_frame_view_set_expanded (frames, 2, FALSE);
    hs_frame_view_set_expanded (frames, 4, TRUE);
    settle ();
    g_assert_true (hs_frame_view_set_variable_expanded (frames, 4, "t", TRUE));
    wait_until (member_shown, "tv_nsec = 600000000 ", "t's members");
    edit_in_view (frames, 4, "t.tv_nsec", "600000001");
    g_assert_nonnull (strstr (hs_frame_view_get_status (frames), "8 bytes written at 2:::0x"));
    wait_until (member_shown, "tv_nsec = 600000001 ", "the member re-read");
    /* And the target holds it, read past the view. */
    {
      const char *at = strstr (hs_frame_view_get_status (frames), "2:::0x") + 4;
      HsAddress a = { HS_ACCESS_VIRTUAL, 2, 0, g_ascii_strtoull (at, NULL, 16) };
      GAsyncResult *w = NULL;
      g_autoptr(HsMemoryRead) r = NULL;
      guint64 v = 0;

      hs_engine_read_async (fx.engine, &a, 8, NULL, hs_test_store_result, &w);
      r = hs_engine_read_finish (fx.engine, hs_test_wait_result (&w, 30), NULL);
      g_clear_object (&w);
      g_assert_nonnull (r);
      memcpy (&v, g_bytes_get_data (r->data, NULL), 8);
      g_assert_cmpuint (GUINT64_FROM_LE (v), ==, 600000001);
    }
    save_png (GTK_WIDGET (fx.window), deeper_png);
    edit_in_view (frames, 4, "t.tv_nsec", "600000000");
    wait_until (member_shown, "tv_nsec = 600000000 ", "the member restored");
    {
      g_autofree char *t = hs_frame_view_get_variable_text (frames, 4, "t");

      g_assert_true (g_str_has_prefix (t, "t (in __do_sys_clock_nanosleep) = {tv_sec = 0, "
                                          "tv_nsec = 600000000}"));
    }
  }
  /* The editor starts from the value as shown. */
  g_assert_true (hs_frame_view_edit_variable (frames, 0, "tim"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (
    find_child (GTK_WIDGET (frames), GTK_TYPE_ENTRY))), ==, "600000000");
  settle ();
  save_png (GTK_WIDGET (fx.window), edit_png);
  /* Running, nothing is written. */
  activate ("win.go");
  wait_until (engine_in_state, GINT_TO_POINTER (HS_ENGINE_STATE_RUNNING), "Go");
  g_assert_false (hs_frame_view_edit_variable (frames, 0, "tim"));
  g_assert_nonnull (strstr (hs_frame_view_get_status (frames), "Break first"));
  activate ("win.break");
  wait_until (engine_in_state, GINT_TO_POINTER (HS_ENGINE_STATE_HALTED), "Break");
}

static void
test_window_memory (void)
{
  g_autoptr(GError) error = NULL;

  ensure_window (TRUE);
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

    /* Editable: a byte written through the view reads back (and is put back). */
    g_assert_true (hs_memory_view_write (memory, 0, (const guint8 *) "l", 1, &error));
    g_assert_no_error (error);
    wait_until (memory_shows, "linux version 6.", "the written byte");
    g_assert_true (hs_memory_view_write (memory, 0, (const guint8 *) "L", 1, &error));
    wait_until (memory_shows, "Linux version 6.", "the byte put back");

    show_page (GTK_WIDGET (memory));
    memory_png = g_test_build_filename (G_TEST_BUILT, "widgets", "memory.png", NULL);
    save_png (GTK_WIDGET (fx.window), memory_png);
    gtk_notebook_set_current_page (GTK_NOTEBOOK (notebook), 0);
  }
}

/* The watch view's first row shows a value other than @data (a string) and the engine's. */
static gboolean
watch_shows_new_value (gpointer data)
{
  HsWatchView *view = HS_WATCH_VIEW (find_child (GTK_WIDGET (fx.window), HS_TYPE_WATCH_VIEW));
  g_autoptr(HsWatch) watch = g_list_model_get_item (hs_engine_get_watches (fx.engine), 0);
  const char *shown = hs_watch_view_get_shown_value (view, 0);

  return watch != NULL && shown != NULL && *shown != 0
         && g_strcmp0 (shown, data) != 0
         && g_strcmp0 (shown, hs_watch_get_value (watch)) == 0;
}

static void
watches_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_assert_true (hs_engine_wait_for_watches_finish (HS_ENGINE (object), result, NULL));
  *(gboolean *) user_data = TRUE;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_window_watch (void)
{
  HsWatchView *view;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = g_strdup ("");
  g_autofree char *png = NULL;

  ensure_window (TRUE);
  view = HS_WATCH_VIEW (find_child (GTK_WIDGET (fx.window), HS_TYPE_WATCH_VIEW));
  g_assert_nonnull (view);
  show_page (GTK_WIDGET (view));
  g_assert_false (hs_watch_view_add (view, "1:::0x10::jiffies", &error));
  g_clear_error (&error);
  g_assert_true (hs_watch_view_add (view, "1:::jiffies", &error));
  g_assert_no_error (error);
  g_assert_true (hs_watch_view_add (view, "no_such_variable_here", &error));
  wait_until (watch_shows_new_value, value, "the watch's first value");
  g_assert_false (hs_watch_view_is_marked (view, 0));

  /* Each halt evaluates it again by itself. jiffies moves only when the idle guest wakes
   * (NO_HZ), so a short run may leave it as it was: unmarked then, marked when it moved. */
  for (guint attempt = 0, moved = 0; moved < 2; attempt++)
    {
      gboolean done = FALSE;

      g_assert_cmpuint (attempt, <, 20);
      g_free (value);
      value = g_strdup (hs_watch_view_get_shown_value (view, 0));
      activate ("win.go");
      g_usleep (300 * 1000);
      activate ("win.break");
      hs_engine_wait_for_watches_async (fx.engine, NULL, watches_done, &done);
      wait_until (flag_set, &done, "the watches' evaluation at the halt");
      settle ();
      {
        g_autoptr(HsWatch) watch = g_list_model_get_item (hs_engine_get_watches (fx.engine), 0);
        const char *shown = hs_watch_view_get_shown_value (view, 0);
        const char *why = hs_watch_get_error (watch);

        g_test_message ("halt %u: shown '%s', engine '%s' (%s)", attempt,
                        shown ? shown : "(not bound)", hs_watch_get_value (watch),
                        why ? why : "no error");
        g_assert_null (hs_watch_get_error (watch));
      }
      if (g_strcmp0 (hs_watch_view_get_shown_value (view, 0), value) == 0)
        {
          g_assert_false (hs_watch_view_is_marked (view, 0));
          g_test_message ("jiffies did not move at halt %u", attempt);
          continue;
        }
      wait_until (watch_shows_new_value, value, "the watch's value at the next halt");
      g_assert_true (hs_watch_view_is_marked (view, 0));
      moved++;
    }
  {
    g_autoptr(HsWatch) bad = g_list_model_get_item (hs_engine_get_watches (fx.engine), 1);

    g_assert_nonnull (hs_watch_get_error (bad));
  }
  settle ();
  png = g_test_build_filename (G_TEST_BUILT, "widgets", "watch.png", NULL);
  save_png (GTK_WIDGET (fx.window), png);
  /* Delete removes the selected watch, from the engine's list (scripts see it gone too). */
  {
    GtkColumnView *columns = GTK_COLUMN_VIEW (find_child (GTK_WIDGET (view),
                                                          GTK_TYPE_COLUMN_VIEW));

    gtk_selection_model_select_item (gtk_column_view_get_model (columns), 1, TRUE);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "watch.delete", NULL));
    g_assert_cmpuint (g_list_model_get_n_items (hs_engine_get_watches (fx.engine)), ==, 1);
  }
  hs_engine_remove_all_watches (fx.engine);
  show_page (hs_window_get_register_view (fx.window));
}

typedef struct
{
  HsSourceView *source;
  guint line;
  guint column;
} Hover;

static gboolean
hover_answered (gpointer data)
{
  Hover *h = data;

  return hs_source_view_query_value (h->source, h->line, h->column) != NULL;
}

/* Hovering a function's name in the current source shows its value (its address and name),
 * asked for without blocking and there once the evaluation is back. */
/* Source, or the message that says why there is none (no line table there). */
static gboolean
source_or_message (gpointer data)
{
  return hs_source_view_get_message (data) != NULL || source_shown (data);
}

typedef struct
{
  HsSourceView *source;
  char *before;               /* the file shown before the context changed */
} SourceChange;

/* Another file than before, or a message saying why there is none. */
static gboolean
source_changed (gpointer data)
{
  SourceChange *c = data;

  return hs_source_view_get_message (c->source) != NULL
         || (source_shown (c->source)
             && g_strcmp0 (hs_source_view_get_path (c->source), c->before) != 0);
}

/* A function this source defines (a line that starts with its type, then "name(", or an
 * assembler "SYM_FUNC_START(name)") which the context's symbols know; NULL when none does. */
static char *
find_hover_name (HsSourceView *source,
                 HsContext    *context,
                 Hover        *h)
{
  for (guint line = 1;; line++)
    {
      g_autofree char *row = hs_source_view_get_line_text (source, line);
      const char *paren, *start, *end;
      g_autofree char *candidate = NULL;
      guint64 address;

      if (row == NULL)
        return NULL;
      if (!g_ascii_isalpha (row[0]) || strchr (row, ';') || (paren = strchr (row, '(')) == NULL)
        continue;
      for (start = paren; start > row && (g_ascii_isalnum (start[-1]) || start[-1] == '_'); start--)
        ;
      candidate = g_strndup (start, paren - start);
      if (!hs_engine_lookup_symbol (fx.engine, hs_context_get_machine (context),
                                    hs_context_get_space (context), candidate, &address, NULL))
        {
          /* The name inside the parentheses, as assembler macros have it. */
          start = paren + 1;
          for (end = start; g_ascii_isalnum (*end) || *end == '_'; end++)
            ;
          g_free (candidate);
          candidate = g_strndup (start, end - start);
          if (end == start || g_ascii_isdigit (*start)
              || !hs_engine_lookup_symbol (fx.engine, hs_context_get_machine (context),
                                           hs_context_get_space (context), candidate, &address,
                                           NULL))
            continue;
        }
      h->line = line;
      h->column = g_utf8_pointer_to_offset (row, start) + 1;
      return g_steal_pointer (&candidate);
    }
}

/* Hovering a function's name in the current source shows its value (its address and name),
 * asked for without blocking and there once the evaluation is back. */
static void
test_window_source_hover (void)
{
  HsContext *context;
  HsSourceView *source;
  Hover h = { 0 };
  g_autofree char *name = NULL;
  const char *text;

  ensure_window (TRUE);
  source = HS_SOURCE_VIEW (hs_window_get_source_view (fx.window));
  context = hs_window_get_context (fx.window);
  /* Where the board halted decides the file. An assembler file's names are labels without
   * DWARF types, which have no value to show; then a sleeping ticker's frame 0 (C, in the
   * scheduler) is made the context instead, as a double-click in the task list would. */
  for (guint attempt = 0; name == NULL; attempt++)
    {
      SourceChange change = { source, NULL };

      g_assert_cmpuint (attempt, <, 3);
      if (attempt > 0)
        {
          change.before = g_strdup (hs_source_view_get_path (source));
          g_free (run_in_command_line (attempt == 1 ? "TASK.select linux2_ticker /MACHINE 2"
                                                    : "TASK.select linux1_ticker /MACHINE 1"));
          /* The new context's file, when it is another (at most 5 s: it may be the same). */
          for (guint i = 0; i < 50 && !source_changed (&change); i++)
            hs_test_spin (100);
          g_free (change.before);
        }
      wait_until (source_or_message, source, "the current source");
      if (hs_source_view_get_message (source) != NULL
          || g_str_has_suffix (hs_source_view_get_path (source), ".S"))
        continue;
      g_test_message ("hovering in %s (machine %u)", hs_source_view_get_path (source),
                      hs_context_get_machine (context));
      name = find_hover_name (source, context, &h);
    }
  h.source = source;
  /* The first ask starts the evaluation and shows nothing yet. */
  g_assert_null (hs_source_view_query_value (source, h.line, h.column));
  wait_until (hover_answered, &h, "the hovered name's value");
  text = hs_source_view_query_value (source, h.line, h.column);
  g_test_message ("hover %u:%u: %s", h.line, h.column, text);
  g_assert_true (g_str_has_prefix (text, name));
  g_assert_nonnull (strstr (text, " = 0x"));
}

static void
test_window_register_windows (void)
{
  ensure_window (TRUE);
  /* A guest's register window: Register.view /MACHINE 2 opens it, on its vCPU, with the EL1
   * registers and where they come from. */
  {
    g_autofree char *text = run_in_command_line ("Register.view /MACHINE 2");
    GtkWindow *regwin = hs_window_get_register_window (fx.window, 2);
    HsRegisterView *view2;
    g_autofree char *ttbr1 = NULL;
    g_autofree char *regwin_png = NULL;

    g_assert_nonnull (regwin);
    view2 = HS_REGISTER_VIEW (gtk_window_get_child (regwin));
    g_assert_cmpint (hs_register_view_get_machine (view2), ==, 2);
    settle ();
    g_test_message ("%s", hs_register_view_get_title (view2));
    g_assert_nonnull (strstr (hs_register_view_get_title (view2), "vCPU 0"));
    ttbr1 = hs_register_view_get_value_text (view2, "TTBR1_EL1");
    g_assert_nonnull (ttbr1);
    g_assert_true (g_str_has_prefix (ttbr1, "0x"));
    regwin_png = g_test_build_filename (G_TEST_BUILT, "widgets", "register-window.png", NULL);
    save_png (GTK_WIDGET (regwin), regwin_png);
    /* Machine 0's: the pCPUs with the EL2 registers. */
    hs_window_open_register_window (fx.window, 0, 1);
    settle ();
    view2 = HS_REGISTER_VIEW (gtk_window_get_child (hs_window_get_register_window (fx.window,
                                                                                   0)));
    g_assert_nonnull (strstr (hs_register_view_get_title (view2), "pCPU 1"));
    g_free (ttbr1);
    ttbr1 = hs_register_view_get_value_text (view2, "VTTBR_EL2");
    g_assert_true (ttbr1 != NULL && g_str_has_prefix (ttbr1, "0x"));
  }
}

static void
test_window_xen_source (void)
{
  ensure_window (TRUE);
  /* Back to a core in Xen: the stack is Xen's, and its source (kept by the board build and
   * mapped by the demo's session script) shows at the current line. */
  {
    HsSourceView *source = HS_SOURCE_VIEW (hs_window_get_source_view (fx.window));
    guint xen_core = G_MAXUINT;
    g_autofree char *cmd = NULL;

    for (guint c = 0; c < hs_engine_get_n_cores (fx.engine) && xen_core == G_MAXUINT; c++)
      if (hs_core_get_exception_level (hs_engine_get_core (fx.engine, c)) == 2)
        xen_core = c;
    g_assert_cmpuint (xen_core, !=, G_MAXUINT);
    cmd = g_strdup_printf ("CORE.select %u.", xen_core);
    g_free (run_in_command_line (cmd));
    g_assert_null (hs_engine_get_current_task (fx.engine));
    wait_until (xen_source_shown, source, "Xen's source");
    g_test_message ("source: %s:%u", hs_source_view_get_path (source),
                    hs_source_view_get_current_line (source));
    g_assert_nonnull (strstr (hs_source_view_get_path (source), "/xen/"));
    g_assert_cmpuint (hs_source_view_get_current_line (source), >, 0);

    /* A click in the gutter sets a breakpoint on that line, in machine 0; another removes it. */
    {
      GListModel *bps = hs_engine_get_breakpoints (fx.engine);
      guint before = g_list_model_get_n_items (bps);
      guint line = hs_source_view_get_current_line (source);
      g_autoptr(HsBreakpoint) added = NULL;
      g_autoptr(GArray) marks = NULL;

      /* The line's address is looked up in a thread, then the command runs. */
      g_signal_emit_by_name (source, "toggle-breakpoint", hs_source_view_get_path (source), line);
      wait_until (n_breakpoints_is, GUINT_TO_POINTER (before + 1), "Break.Set from the gutter");
      wait_until (window_idle, NULL, "Break.Set from the gutter");
      added = g_list_model_get_item (bps, before);
      g_assert_cmpuint (hs_breakpoint_get_address (added)->machine, ==, 0);
      /* At the address of that line (or of the next with a statement, when the clicked line
       * has none of its own) ... */
      {
        guint64 address = 0;

        g_assert_true (hs_engine_line_to_address (fx.engine, 0,
                                                  hs_source_view_get_path (source), line,
                                                  &address, NULL, NULL));
        g_assert_cmpuint (hs_breakpoint_get_address (added)->offset, ==, address);
      }
      /* ... and marked on the line the line table gives that address, as everything else
       * (the stack, Break.List) shows it, once that was looked up off this thread. */
      wait_until (source_has_marks, GUINT_TO_POINTER (1), "the breakpoint's mark");
      marks = hs_source_view_get_mark_lines (source, "hs-breakpoint");
      g_test_message ("clicked %u, breakpoint on %u, marked %u", line,
                      hs_breakpoint_get_line (added), g_array_index (marks, guint, 0));
      g_assert_cmpuint (g_array_index (marks, guint, 0), ==, hs_breakpoint_get_line (added));
      g_signal_emit_by_name (source, "toggle-breakpoint", hs_source_view_get_path (source), line);
      wait_until (n_breakpoints_is, GUINT_TO_POINTER (before), "Break.Delete from the gutter");
      wait_until (window_idle, NULL, "Break.Delete from the gutter");
    }
  }
}

/* ---- a guest broken through the probe, in the window -------------------------------------- */

typedef struct
{
  gint64 last;
  gint64 worst;                 /* the longest the main loop went without running this */
  guint ticks;
} Pulse;

static gboolean
pulse_tick (gpointer data)
{
  Pulse *p = data;
  gint64 now = g_get_monotonic_time ();

  if (p->last != 0)
    p->worst = MAX (p->worst, now - p->last);
  p->last = now;
  p->ticks++;
  return G_SOURCE_CONTINUE;
}

static guint
machine_tasks (guint machine)
{
  GListModel *tasks = hs_engine_get_tasks (fx.engine);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (tasks); i++)
    {
      g_autoptr(HsTask) t = g_list_model_get_item (tasks, i);

      n += hs_task_get_machine (t) == machine;
    }
  return n;
}

static gboolean
guest2_cut_short (gpointer data)
{
  return !hs_engine_get_tasks_pending (fx.engine) && machine_tasks (2) <= 2;
}

static gboolean
guest2_whole (gpointer data)
{
  return !hs_engine_get_tasks_pending (fx.engine)
         && hs_engine_find_task (fx.engine, 2, "linux2_ticker", NULL) != NULL;
}

/* Machine 2's task list is made a cycle through the window's command line while halted: the
 * views show the cut list within a second, the main loop never stalls, machine 1 stays whole,
 * and all is back once the link is restored. */
static void
test_window_hostile_guest (void)
{
  g_autoptr(GPtrArray) bindings = NULL;
  const HsSymbolBinding *b;
  guint64 tasks_off = 0, size = 0, init_task = 0, first;
  g_autofree char *at = NULL;
  g_autofree char *set = NULL;
  g_autofree char *restore = NULL;
  g_autofree char *out = NULL;
  Pulse pulse = { 0 };
  guint pulse_id, machine1;
  gint64 start;
  HsAddress a = { HS_ACCESS_VIRTUAL, 2, 0, 0 };
  GAsyncResult *w = NULL;
  HsMemoryRead *r;

  ensure_window (TRUE);
  wait_until (guest2_whole, NULL, "machine 2's tasks");
  machine1 = machine_tasks (1);
  bindings = hs_symbol_scope_get_bindings (hs_engine_get_symbol_scope (fx.engine), 2);
  g_assert_cmpuint (bindings->len, >, 0);
  b = g_ptr_array_index (bindings, 0);
  g_assert_true (hs_symbol_file_member (b->file, "task_struct", "tasks", &tasks_off, &size, NULL));
  g_assert_true (hs_engine_lookup_symbol (fx.engine, 2, 0, "init_task", &init_task, NULL));
  a.offset = init_task + tasks_off;
  hs_engine_read_async (fx.engine, &a, 8, NULL, hs_test_store_result, &w);
  r = hs_engine_read_finish (fx.engine, hs_test_wait_result (&w, 30), NULL);
  g_clear_object (&w);
  g_assert_nonnull (r);
  memcpy (&first, g_bytes_get_data (r->data, NULL), 8);
  first = GUINT64_FROM_LE (first);
  hs_memory_read_free (r);

  /* The first task's next link points back at itself. */
  a.offset = first;
  hs_engine_read_async (fx.engine, &a, 8, NULL, hs_test_store_result, &w);
  r = hs_engine_read_finish (fx.engine, hs_test_wait_result (&w, 30), NULL);
  g_clear_object (&w);
  g_assert_nonnull (r);
  restore = g_strdup_printf ("Data.Set 2:::0x%" G_GINT64_MODIFIER "x %%Quad 0x%"
                             G_GINT64_MODIFIER "x", first,
                             GUINT64_FROM_LE (*(const guint64 *) g_bytes_get_data (r->data, NULL)));
  hs_memory_read_free (r);
  set = g_strdup_printf ("Data.Set 2:::0x%" G_GINT64_MODIFIER "x %%Quad 0x%" G_GINT64_MODIFIER
                         "x", first, first);

  pulse_id = g_timeout_add (5, pulse_tick, &pulse);
  start = g_get_monotonic_time ();
  g_free (run_in_command_line (set));
  wait_until (guest2_cut_short, NULL, "machine 2's list cut short");
  g_test_message ("cut list shown after %.3f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  out = run_in_command_line ("TASK.List /MACHINE 2.");
  g_assert_nonnull (strstr (out, "loops back"));
  g_assert_cmpuint (machine_tasks (1), ==, machine1);
  /* The views repaint the cut lists meanwhile: the main loop keeps running. */
  settle ();
  g_source_remove (pulse_id);
  g_test_message ("main loop: %u ticks of 5 ms, longest gap %.1f ms", pulse.ticks,
                  pulse.worst / 1000.0);
  g_assert_cmpuint (pulse.ticks, >=, 10);
  g_assert_cmpint (pulse.worst, <, 250 * 1000);

  g_free (run_in_command_line (restore));
  wait_until (guest2_whole, NULL, "machine 2's tasks back");
}

static void
test_window_close (void)
{
  g_autofree char *png = NULL;
  g_autoptr(GArray) open_windows = NULL;
  guint n_breakpoints;

  ensure_window (TRUE);
  /* A breakpoint scoped to a task, whether or not task-breakpoint ran before. */
  if (g_list_model_get_n_items (hs_engine_get_breakpoints (fx.engine)) == 0)
    g_free (run_in_command_line ("Break.Set 2:::schedule_hrtimeout_range /MACHINE 2 "
                                 "/TASK linux2_ticker"));
  n_breakpoints = g_list_model_get_n_items (hs_engine_get_breakpoints (fx.engine));
  open_windows = hs_window_get_register_window_machines (fx.window);
  /* The main window after a halt, showing the current context. */
  show_page (hs_window_get_register_view (fx.window));
  show_page (hs_window_get_guest_list (fx.window));
  png = g_test_build_filename (G_TEST_BUILT, "widgets", "main-window.png", NULL);
  save_png (GTK_WIDGET (fx.window), png);
  g_test_message ("saved %s", png);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));

  /* Closing the window detaches as gdb does: nothing of ours left in the board, which runs
   * on (the guests' tickers go on printing). */
  {
    g_autofree char *serial = g_strdup (hs_board_get_serial_path (fx.board));
    guint ticks = count_ticks (serial);

    gtk_window_close (GTK_WINDOW (fx.window));
    wait_until (window_gone, NULL, "the window to close");
    fx.window = NULL;
    wait_until_s (ticks_after, &(TickWait) { serial, ticks }, 25, "a guest ticking after the "
                                                                   "window closed");
  }
  /* Closing saved the session (the breakpoint set from the task list, the symbols) and the
   * open register windows, for the next start. */
  {
    g_autofree char *path = hs_interp_default_session_path ();
    g_autofree char *text = NULL;
    g_autoptr(GSettings) settings = g_settings_new (HS_APP_ID);
    g_autoptr(GVariant) windows = g_settings_get_value (settings, "register-windows");

    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    g_test_message ("%s", text);
    g_assert_nonnull (strstr (text, "Data.LOAD.Elf \""));
    g_assert_nonnull (strstr (text, " /MACHINE 2. /TASK linux2_ticker\n"));
    g_assert_nonnull (strstr (text, "sYmbol.SourcePATH.Translate \""));
    {
      g_auto(GStrv) sets = g_strsplit (text, "Break.Set ", -1);

      g_assert_cmpuint (g_strv_length (sets) - 1, ==, n_breakpoints);
    }
    g_assert_cmpuint (g_variant_n_children (windows), ==, open_windows->len);
  }
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

  /* One board and one window for these, in this order: each case leaves the target halted. */
  g_test_add_func ("/Hs/Widgets/window/attach", test_window_attach);
  g_test_add_func ("/Hs/Widgets/window/changed-registers", test_window_changed_registers);
  g_test_add_func ("/Hs/Widgets/window/register-edit", test_window_register_edit);
  g_test_add_func ("/Hs/Widgets/window/step", test_window_step);
  g_test_add_func ("/Hs/Widgets/window/guest-tree", test_window_guest_tree);
  g_test_add_func ("/Hs/Widgets/window/task-context", test_window_task_context);
  g_test_add_func ("/Hs/Widgets/window/task-breakpoint", test_window_task_breakpoint);
  g_test_add_func ("/Hs/Widgets/window/frame-locals", test_window_frame_locals);
  g_test_add_func ("/Hs/Widgets/window/memory", test_window_memory);
  g_test_add_func ("/Hs/Widgets/window/watch", test_window_watch);
  g_test_add_func ("/Hs/Widgets/window/source-hover", test_window_source_hover);
  g_test_add_func ("/Hs/Widgets/window/register-windows", test_window_register_windows);
  g_test_add_func ("/Hs/Widgets/window/xen-source", test_window_xen_source);
  g_test_add_func ("/Hs/Widgets/window/hostile-guest", test_window_hostile_guest);
  g_test_add_func ("/Hs/Widgets/window/close", test_window_close);
  return g_test_run ();
}
