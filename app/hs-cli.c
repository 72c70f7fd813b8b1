/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-cli.c: hyperscope without a window.
 *
 * Commands run one after the other, each to completion; the first failure
 * stops the run with its message on stderr and exit code 1. Progress of the
 * demo board goes to stderr too, so stdout holds only what commands print.
 */
#define G_LOG_DOMAIN "hs-cli"

#include "config.h"

#include "hs-cli.h"

#include "hs-board.h"
#include "hs-engine.h"
#include "hs-interp.h"
#include "hs-script.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct
{
  GMainLoop *loop;
  HsEngine *engine;
  HsInterp *interp;
  HsBoard *board;
  GPtrArray *lines;      /* of char*: what to run */
  GPtrArray *origins;    /* of char*: where each line came from, for errors; NULL for a
                          * script's DO (its errors say where they are) */
  char *session;         /* the demo's session script: its output is not the user's */
  guint session_line;     /* its DO's index in @lines */
  guint next;
  guint current;          /* the line running now */
  int status;
  gboolean detaching;
  GCancellable *running;  /* the running command's, or the detach's at the end */
  guint interrupts;       /* Ctrl+C presses so far */
  gboolean quit;          /* QUIT ran */
  int quit_status;
} Cli;

static void run_next (Cli *cli);

/* Adds a DO of a script to the run at @position (-1: at the end). The script is read here
 * first, so that a file that cannot be one is a usage error before anything starts. */
static gboolean
load_script (Cli                *cli,
             const char         *path,
             const char * const *args,
             int                 position,
             GError            **error)
{
  gsize length;
  g_autofree char *text = hs_script_read_text (path, &length, error);
  g_autoptr(GString) line = g_string_new ("DO \"");
  guint at = position < 0 ? cli->lines->len : (guint) position;

  if (text == NULL)
    return FALSE;
  g_string_append_printf (line, "%s\"", path);
  /* As if typed after DO: a word as it is, anything with blanks, commas or quotes quoted. */
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    {
      if (*args[i] != 0 && strpbrk (args[i], " \t,;\"") == NULL)
        g_string_append_printf (line, " %s", args[i]);
      else
        {
          g_string_append (line, " \"");
          for (const char *c = args[i]; *c; c++)
            {
              if (*c == '"' || *c == '\\')
                g_string_append_c (line, '\\');
              g_string_append_c (line, *c);
            }
          g_string_append_c (line, '"');
        }
    }
  g_ptr_array_insert (cli->lines, at, g_string_free (g_steal_pointer (&line), FALSE));
  g_ptr_array_insert (cli->origins, at, NULL);
  if (cli->session != NULL && strcmp (path, cli->session) == 0)
    cli->session_line = at;
  return TRUE;
}

static void
finish (Cli *cli,
        int  status)
{
  cli->status = status;
  g_main_loop_quit (cli->loop);
}

/* The demo's session prints to stderr: stdout holds what the user's commands print. */
static void
print_output (Cli        *cli,
              const char *text)
{
  FILE *to = cli->session != NULL && cli->current == cli->session_line ? stderr : stdout;

  fputs (text, to);
  fflush (to);
}

static void
printed (HsInterp   *interp,
         const char *text,
         gpointer    user_data)
{
  print_output (user_data, text);
}

static void
quit_requested (HsInterp *interp,
                gint      status,
                gpointer  user_data)
{
  Cli *cli = user_data;

  cli->quit = TRUE;
  cli->quit_status = status;
}

static void
execute_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = hs_interp_execute_finish (HS_INTERP (object), result, &error);

  g_clear_object (&cli->running);
  if (output == NULL)
    {
      const char *origin = g_ptr_array_index (cli->origins, cli->current);

      if (origin != NULL)
        fprintf (stderr, "hyperscope: %s: %s\n", origin, error->message);
      else
        fprintf (stderr, "hyperscope: %s\n", error->message);
      finish (cli, cli->interrupts > 0 ? 130 : 1);
      return;
    }
  print_output (cli, output);
  if (cli->quit)
    {
      finish (cli, cli->quit_status);
      return;
    }
  run_next (cli);
}

static void
run_next (Cli *cli)
{
  const char *line;

  if (cli->next >= cli->lines->len)
    {
      guint stopped_line;
      const char *stopped = hs_interp_get_stopped_script (cli->interp, &stopped_line, NULL);

      /* Nobody is left to type CONTinue: the rest of the script does not run. */
      if (stopped != NULL)
        fprintf (stderr, "hyperscope: %s stopped at line %u and was not resumed "
                 "(-c CONTinue after it resumes it)\n", stopped, stopped_line);
      finish (cli, 0);
      return;
    }
  cli->current = cli->next;
  line = g_ptr_array_index (cli->lines, cli->next++);
  cli->running = g_cancellable_new ();
  hs_interp_execute_async (cli->interp, line, cli->running, execute_done, cli);
}

static void
attach_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;

  if (!hs_engine_attach_finish (HS_ENGINE (object), result, &error))
    {
      fprintf (stderr, "hyperscope: %s\n", error->message);
      finish (cli, 1);
      return;
    }
  fprintf (stderr, "hyperscope: attached to %s (%u cores, %s)\n",
           hs_engine_get_target_name (cli->engine), hs_engine_get_n_cores (cli->engine),
           hs_engine_state_to_string (hs_engine_get_state (cli->engine)));
  run_next (cli);
}

static void
attach_to (Cli        *cli,
           const char *location)
{
  hs_engine_attach_location_async (cli->engine, location, NULL, attach_done, cli);
}

static void
board_progress (HsBoard    *board,
                const char *line,
                guint       step,
                guint       total,
                gpointer    user_data)
{
  fprintf (stderr, "%s\n", line);
}

static void
board_started (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;

  if (!hs_board_start_finish (HS_BOARD (object), result, &error))
    {
      fprintf (stderr, "hyperscope: the demo board did not start: %s\n", error->message);
      finish (cli, 1);
      return;
    }
  fprintf (stderr, "hyperscope: demo board serial log: %s\n",
           hs_board_get_serial_path (cli->board));
  {
    cli->session = hs_board_get_session_script (cli->board);
    /* The symbols first, then what the user asked for. */
    if (!load_script (cli, cli->session, NULL, 0, &error))
      fprintf (stderr, "hyperscope: no demo session script: %s\n", error->message);
  }
  {
    g_autofree char *location = g_strdup_printf ("127.0.0.1:%u",
                                                 hs_board_get_gdb_port (cli->board));

    attach_to (cli, location);
  }
}

/* Ctrl+C: the first stops the running command (a Break on a busy host, a WAIT) and the
 * script, and Hyperscope detaches as usual; the second stops waiting for the detach's halt
 * (the connection is closed with the target running); the third leaves at once. */
static gboolean
on_interrupt (gpointer user_data)
{
  Cli *cli = user_data;

  cli->interrupts++;
  if (cli->interrupts >= 3)
    {
      fprintf (stderr, "hyperscope: interrupted three times, leaving now\n");
      _exit (130);
    }
  fprintf (stderr, "hyperscope: interrupted%s\n",
           cli->detaching ? "; closing the connection without waiting for the target" : "");
  cli->next = cli->lines->len;
  if (cli->running != NULL)
    g_cancellable_cancel (cli->running);
  else if (!cli->detaching)
    finish (cli, 130);
  return G_SOURCE_CONTINUE;
}

static void
waiting_changed (HsEngine *engine,
                 GParamSpec *pspec,
                 gpointer  user_data)
{
  if (hs_engine_get_waiting_for_halt (engine))
    fprintf (stderr, "hyperscope: waiting for the target to halt (the host may be busy); "
                     "Ctrl+C stops waiting\n");
}

static void
engine_detached (HsEngine     *engine,
                 const GError *error,
                 gpointer      user_data)
{
  if (error != NULL)
    fprintf (stderr, "hyperscope: %s\n", error->message);
}

static void
detach_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *report = hs_engine_detach_finish (HS_ENGINE (object), result, &error);

  /* Leaving is news only when something was left attached. */
  fprintf (stderr, "hyperscope: %s\n", report ? report : error->message);
  g_main_loop_quit (cli->loop);
}

int
hs_cli_run (const HsCliOptions *options)
{
  Cli cli = { 0 };
  g_autoptr(GError) error = NULL;
  guint interrupt_id = 0;

  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.engine = hs_engine_new ();
  cli.interp = hs_interp_new (cli.engine);
  cli.lines = g_ptr_array_new_with_free_func (g_free);
  cli.origins = g_ptr_array_new_with_free_func (g_free);
  hs_interp_set_streaming (cli.interp, TRUE);
  g_signal_connect (cli.interp, "printed", G_CALLBACK (printed), &cli);
  g_signal_connect (cli.interp, "quit-requested", G_CALLBACK (quit_requested), &cli);
  g_signal_connect (cli.engine, "detached", G_CALLBACK (engine_detached), &cli);
  g_signal_connect (cli.engine, "notify::waiting-for-halt", G_CALLBACK (waiting_changed), &cli);
  interrupt_id = g_unix_signal_add (SIGINT, on_interrupt, &cli);

  if (options->batch && !load_script (&cli, options->batch,
                                         (const char * const *) options->script_args, -1,
                                         &error))
    {
      fprintf (stderr, "hyperscope: %s\n", error->message);
      cli.status = 2;
      goto out;
    }
  for (guint i = 0; options->commands && options->commands[i]; i++)
    {
      g_ptr_array_add (cli.lines, g_strdup (options->commands[i]));
      g_ptr_array_add (cli.origins, g_strdup_printf ("-c '%s'", options->commands[i]));
    }

  if (options->demo)
    {
      cli.board = hs_board_new ();
      g_signal_connect (cli.board, "progress", G_CALLBACK (board_progress), &cli);
      hs_board_start_async (cli.board, NULL, board_started, &cli);
    }
  else if (options->attach)
    {
      g_autoptr(HsProbe) probe = hs_probe_new_for_location (options->attach, &error);

      /* A mistyped location is a usage error, before anything starts. */
      if (probe == NULL)
        {
          fprintf (stderr, "hyperscope: --attach: %s\n", error->message);
          cli.status = 2;
          goto out;
        }
      attach_to (&cli, options->attach);
    }
  else
    run_next (&cli);

  g_main_loop_run (cli.loop);

  /* Leave the target as a debugger should: running, with nothing of ours in it. */
  if (hs_engine_get_state (cli.engine) != HS_ENGINE_STATE_DETACHED && cli.board == NULL)
    {
      cli.detaching = TRUE;
      g_clear_object (&cli.running);
      cli.running = g_cancellable_new ();
      hs_engine_detach_async (cli.engine, cli.running, detach_done, &cli);
      g_main_loop_run (cli.loop);
    }
  if (cli.interrupts > 0)
    cli.status = 130;

out:
  g_clear_handle_id (&interrupt_id, g_source_remove);
  g_clear_object (&cli.running);
  if (cli.board)
    hs_board_stop (cli.board);
  g_clear_object (&cli.board);
  g_clear_object (&cli.interp);
  g_clear_object (&cli.engine);
  g_ptr_array_unref (cli.lines);
  g_ptr_array_unref (cli.origins);
  g_free (cli.session);
  g_main_loop_unref (cli.loop);
  return cli.status;
}
