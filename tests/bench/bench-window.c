/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-window.c: the main window on the real demo board, under Xvfb.
 *
 * Each round lets the board run briefly, breaks, and measures how long the
 * views take to show the new halt: from Break to the engine's "halted"
 * (probe I/O: registers, guests, both guests' task lists), and from there
 * until the stack of the current context is unwound, the disassembly
 * around it is read and the window has painted a frame with all of it.
 */
#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "hs-application.h"
#include "hs-board.h"
#include "hs-command-line.h"
#include "hs-disasm-view.h"
#include "hs-frame-view.h"
#include "hs-widgets.h"

#define ROUNDS 10

static HsBoard *board;
static HsWindow *window;
static HsEngine *engine;
static gboolean board_done;
static gint64 halted_at;
static gint64 painted_at;

static void
spin_until (gboolean (*pred) (void),
            guint     seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!pred ())
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("bench-window: timed out");
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
is_board_done (void)
{
  return board_done;
}

static gboolean
is_running (void)
{
  return hs_engine_get_state (engine) == HS_ENGINE_STATE_RUNNING;
}

static gboolean
is_idle (void)
{
  return !hs_command_line_is_busy (HS_COMMAND_LINE (hs_window_get_command_line (window)));
}

static gboolean
views_done (void)
{
  HsFrameView *frames = HS_FRAME_VIEW (hs_window_get_frame_view (window));
  g_autofree char *code = hs_disasm_view_get_text (HS_DISASM_VIEW (hs_window_get_disasm_view (window)));

  return halted_at > 0 && hs_frame_view_get_n_frames (frames) > 0 && strstr (code, "→") != NULL
         && painted_at > halted_at;
}

static void
on_halted (void)
{
  halted_at = g_get_monotonic_time ();
  painted_at = 0;
}

static void
on_after_paint (void)
{
  painted_at = g_get_monotonic_time ();
}

static void
started (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!hs_board_start_finish (HS_BOARD (object), result, &error))
    g_error ("the demo board did not start: %s", error->message);
  board_done = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  HsCliOptions options = { 0 };
  g_autoptr(HsApplication) app = NULL;
  g_autofree char *location = NULL;
  g_autofree char *session = NULL;
  double to_halt[ROUNDS], to_views[ROUNDS];
  double sum_halt = 0, sum_views = 0, worst_halt = 0, worst_views = 0;

  gtk_init ();
  hs_widgets_init ();
  board = hs_board_new ();
  hs_board_start_async (board, NULL, started, NULL);
  spin_until (is_board_done, 300);

  location = g_strdup_printf ("127.0.0.1:%u", hs_board_get_gdb_port (board));
  options.attach = location;
  options.no_session = TRUE;
  app = hs_application_new (&options);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  g_application_activate (G_APPLICATION (app));
  window = hs_application_get_window (app);
  engine = hs_window_get_engine (window);
  spin_until (is_running, 60);
  session = hs_board_get_session_script (board);
  hs_command_line_execute (HS_COMMAND_LINE (hs_window_get_command_line (window)), "Break");
  spin_until (is_idle, 60);
  hs_window_run_script (window, session);
  spin_until (is_idle, 120);

  g_signal_connect (engine, "halted", G_CALLBACK (on_halted), NULL);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (on_after_paint), NULL);

  for (guint r = 0; r < ROUNDS; r++)
    {
      gint64 start;

      hs_command_line_execute (HS_COMMAND_LINE (hs_window_get_command_line (window)), "Go");
      spin_until (is_idle, 60);
      g_usleep (300 * 1000);
      halted_at = 0;
      start = g_get_monotonic_time ();
      gtk_widget_activate_action (GTK_WIDGET (window), "win.break", NULL);
      spin_until (views_done, 60);
      to_halt[r] = (halted_at - start) / 1000.0;
      to_views[r] = (painted_at - halted_at) / 1000.0;
      sum_halt += to_halt[r];
      sum_views += to_views[r];
      worst_halt = MAX (worst_halt, to_halt[r]);
      worst_views = MAX (worst_views, to_views[r]);
      spin_until (is_idle, 60);
    }
  g_print ("window on the board: Break to halted (probe I/O, %u tasks) mean %.1f ms worst "
           "%.1f ms; halted to views painted (stack, disassembly, registers) mean %.1f ms worst "
           "%.1f ms; over %u halts\n",
           g_list_model_get_n_items (hs_engine_get_tasks (engine)), sum_halt / ROUNDS,
           worst_halt, sum_views / ROUNDS, worst_views, ROUNDS);
  gtk_window_destroy (GTK_WINDOW (window));
  hs_board_stop (board);
  g_clear_object (&board);
  return 0;
}
