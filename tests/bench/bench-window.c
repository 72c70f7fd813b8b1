/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-window.c: the main window on the real demo board, under Xvfb.
 *
 * Each round lets the board run briefly, breaks, and measures how long the
 * views take to show the new halt: from Break to the engine's "halted"
 * (probe I/O: registers, guests, the tasks the vCPUs run), from there
 * until the stack of the current context is unwound (its first frame at the
 * core's pc), the disassembly around it is read (its arrow at that pc) and
 * the window has painted a frame with all of it, and
 * from Break until the global task list is complete. Then single steps of
 * a core that runs a guest's user code, each until the views have painted.
 *
 * A step starts as a user's would: a refresh interval after the window last
 * painted. Started sooner, it would measure the frame clock, which spaces
 * frames by that interval whatever is ready; back-to-back steps are timed
 * apart, as a rate.
 *
 * Usage: bench-window [--tasks N]   (N more tasks in each guest: the big board)
 * Prints RESULT lines: halt_views_ms, global_list_ms, step_ms (to the views painted),
 * step_lists_ms (to the lists complete too) and step_back_to_back_ms (a step's share of a run
 * of steps each started as soon as the last was painted), with a _big suffix when --tasks is
 * given. Numbers, not pass/fail: targets live in issues.
 */
#include "config.h"

#include <gtk/gtk.h>
#include <stdlib.h>
#include <string.h>

#include "hs-application.h"
#include "hs-board.h"
#include "hs-command-line.h"
#include "hs-disasm-view.h"
#include "hs-frame-view.h"
#include "hs-widgets.h"

#define ROUNDS 20
#define STEPS  40

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

/* Lets the board run while the window keeps up with its events (a blocked main loop would
 * make the next Break wait behind them). */
static void
spin_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
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
lists_done (void)
{
  return halted_at > 0 && !hs_engine_get_tasks_pending (engine);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof values[0], compare_double);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static gboolean
is_idle (void)
{
  return !hs_command_line_is_busy (HS_COMMAND_LINE (hs_window_get_command_line (window)));
}

/* The views show this halt, not the last one: the stack's first frame and the disassembly's
 * arrow are at the current core's pc, and a frame was painted after that was so. */
static gint64 data_at;

static gboolean
views_done (void)
{
  HsFrameView *frames = HS_FRAME_VIEW (hs_window_get_frame_view (window));
  HsCore *core = hs_engine_get_core (engine, hs_engine_get_current_core (engine));
  const HsFrame *top = hs_frame_view_get_frame (frames, 0);
  g_autofree char *code = NULL;
  g_autofree char *arrow = NULL;
  guint64 pc = 0;

  if (halted_at == 0)
    return FALSE;
  if (data_at == 0)
    {
      if (core == NULL || !hs_core_get_pc (core, &pc) || top == NULL || top->pc != pc)
        return FALSE;
      code = hs_disasm_view_get_text (HS_DISASM_VIEW (hs_window_get_disasm_view (window)));
      arrow = g_strdup_printf ("→ %016" G_GINT64_MODIFIER "x", pc);
      if (strstr (code, arrow) == NULL)
        return FALSE;
      data_at = g_get_monotonic_time ();
    }
  return painted_at > data_at;
}

/* Until a refresh interval has passed since the last frame was painted. */
static void
wait_refresh_interval (void)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gint64 interval = 0;

  gdk_frame_clock_get_refresh_info (clock, 0, &interval, NULL);
  if (interval <= 0)
    interval = G_USEC_PER_SEC / 60;
  while (g_get_monotonic_time () < painted_at + interval)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (500);
}

static void
on_halted (void)
{
  halted_at = g_get_monotonic_time ();
  data_at = 0;
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
  double to_halt[ROUNDS], to_data[ROUNDS], to_views[ROUNDS], to_list[ROUNDS], step[STEPS];
  double step_halt[STEPS], step_views[STEPS];
  double sum_halt = 0, sum_views = 0, sum_list = 0, worst_halt = 0, worst_views = 0;
  double worst_list = 0;
  guint extra = 0, steps = 0, core = G_MAXUINT;
  const char *suffix = "";

  for (int i = 1; i + 1 < argc; i++)
    if (strcmp (argv[i], "--tasks") == 0)
      extra = (guint) g_ascii_strtoull (argv[i + 1], NULL, 10);
  if (extra > 0)
    suffix = "_big";

  gtk_init ();
  hs_widgets_init ();
  board = hs_board_new ();
  hs_board_set_extra_tasks (board, extra);
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
      spin_for (300);
      halted_at = 0;
      start = g_get_monotonic_time ();
      gtk_widget_activate_action (GTK_WIDGET (window), "win.break", NULL);
      spin_until (views_done, 60);
      to_halt[r] = (halted_at - start) / 1000.0;
      to_data[r] = (data_at - start) / 1000.0;
      to_views[r] = (painted_at - start) / 1000.0;
      spin_until (lists_done, 60);
      to_list[r] = (g_get_monotonic_time () - start) / 1000.0;
      sum_halt += to_halt[r];
      sum_views += to_views[r];
      sum_list += to_list[r];
      worst_halt = MAX (worst_halt, to_halt[r]);
      worst_views = MAX (worst_views, to_views[r]);
      worst_list = MAX (worst_list, to_list[r]);
      spin_until (is_idle, 60);
    }
  g_print ("window on the board (%u tasks): Break to halted mean %.1f ms worst %.1f ms; Break to "
           "views painted (stack, disassembly, registers) mean %.1f ms worst %.1f ms; Break to "
           "the whole global task list mean %.1f ms worst %.1f ms; over %u halts\n",
           g_list_model_get_n_items (hs_engine_get_tasks (engine)), sum_halt / ROUNDS,
           worst_halt, sum_views / ROUNDS, worst_views, sum_list / ROUNDS, worst_list, ROUNDS);
  g_print ("medians: Break to halted %.1f ms, to the views' data shown %.1f ms, to views painted "
           "%.1f ms, to the whole list %.1f ms\n", median (to_halt, ROUNDS),
           median (to_data, ROUNDS), median (to_views, ROUNDS), median (to_list, ROUNDS));
  g_print ("RESULT halt_views%s_ms %.1f ms\n", suffix, median (to_views, ROUNDS));
  g_print ("RESULT global_list%s_ms %.1f ms\n", suffix, median (to_list, ROUNDS));

  /* Steps of a core that runs a guest's user code (found at this halt or a next one): each
   * until the views have painted its halt and the lists are complete. */
  for (guint c = 0; c < hs_engine_get_n_cores (engine) && core == G_MAXUINT; c++)
    if (hs_core_get_exception_level (hs_engine_get_core (engine, c)) == 0)
      core = c;
  for (guint attempt = 0; attempt < 20 && core == G_MAXUINT; attempt++)
    {
      hs_command_line_execute (HS_COMMAND_LINE (hs_window_get_command_line (window)), "Go");
      spin_until (is_idle, 60);
      spin_for (100);
      halted_at = 0;
      gtk_widget_activate_action (GTK_WIDGET (window), "win.break", NULL);
      spin_until (views_done, 60);
      spin_until (is_idle, 60);
      for (guint c = 0; c < hs_engine_get_n_cores (engine) && core == G_MAXUINT; c++)
        {
          HsCore *hc = hs_engine_get_core (engine, c);

          if (hs_core_get_exception_level (hc) == 0)
            core = c;
        }
    }
  if (core != G_MAXUINT)
    {
      g_autofree char *select = g_strdup_printf ("CORE.select %u", core);

      hs_command_line_execute (HS_COMMAND_LINE (hs_window_get_command_line (window)), select);
      spin_until (is_idle, 60);
      for (steps = 0; steps < STEPS; steps++)
        {
          gint64 start;

          wait_refresh_interval ();
          halted_at = 0;
          start = g_get_monotonic_time ();
          gtk_widget_activate_action (GTK_WIDGET (window), "win.step", NULL);
          spin_until (views_done, 60);
          step_halt[steps] = (halted_at - start) / 1000.0;
          step_views[steps] = (painted_at - start) / 1000.0;
          spin_until (lists_done, 60);
          step[steps] = (MAX (painted_at, g_get_monotonic_time ()) - start) / 1000.0;
          spin_until (is_idle, 60);
        }
      g_print ("single steps of core %u (guest user code): to halted median %.1f ms, to views "
               "painted %.1f ms, until painted and the lists complete %.1f ms, over %u steps\n",
               core, median (step_halt, steps), median (step_views, steps),
               median (step, steps), steps);
      g_print ("RESULT step%s_ms %.1f ms\n", suffix, median (step_views, steps));
      g_print ("RESULT step_lists%s_ms %.1f ms\n", suffix, median (step, steps));

      {
        gint64 start = g_get_monotonic_time ();
        double each;

        for (guint i = 0; i < STEPS; i++)
          {
            halted_at = 0;
            gtk_widget_activate_action (GTK_WIDGET (window), "win.step", NULL);
            spin_until (views_done, 60);
            spin_until (is_idle, 60);
          }
        each = (g_get_monotonic_time () - start) / 1000.0 / STEPS;
        g_print ("%u steps back to back, each started once the last was painted: %.1f ms a "
                 "step\n", STEPS, each);
        g_print ("RESULT step_back_to_back%s_ms %.1f ms\n", suffix, each);
      }
    }
  else
    g_print ("no core ran guest user code at 20 halts: no steps measured\n");
  gtk_window_destroy (GTK_WINDOW (window));
  hs_board_stop (board);
  g_clear_object (&board);
  return 0;
}
