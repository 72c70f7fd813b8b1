/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-command-line.c: the command line under Xvfb, on an engine with no target: commands and
 * their errors, and a script run with DO: what it prints shows while it runs, the bar above
 * the entry says where it is, and its Stop button stops it; a script paused by STOP stays in
 * the bar, with Continue and End.
 */
#include "config.h"

#include "hs-test-util.h"

#include <gtk/gtk.h>
#include <string.h>

#include "hs-command-line.h"
#include "hs-widgets.h"

#define WAIT_S 60

/* A command line in a window of its own, on an engine with no target; scripts go in @dir. */
typedef struct
{
  HsEngine *engine;
  HsInterp *interp;
  GtkWidget *window;
  GtkWidget *widget;
  HsCommandLine *cmdline;
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->engine = hs_engine_new ();
  f->interp = hs_interp_new (f->engine);
  f->window = gtk_window_new ();
  f->widget = hs_command_line_new (f->interp);
  f->cmdline = HS_COMMAND_LINE (f->widget);
  f->dir = g_dir_make_tmp ("hs-cmdline-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  gtk_window_set_child (GTK_WINDOW (f->window), f->widget);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 700, 300);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  hs_test_remove_dir (f->dir);
  g_free (f->dir);
  g_clear_object (&f->interp);
  g_clear_object (&f->engine);
}

/* Writes @text as @name in the fixture's folder; returns the line that runs it. */
static char *
write_script (Fixture    *f,
              const char *name,
              const char *text)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return g_strdup_printf ("DO \"%s\"", path);
}

static gboolean
command_line_idle (gpointer data)
{
  return !hs_command_line_is_busy (data);
}

static void
test_command_line (Fixture       *f,
                   gconstpointer  data)
{
  HsCommandLine *cmdline = f->cmdline;
  g_autofree char *output = NULL;

  hs_command_line_execute (cmdline, "PRINT 0x10+2");
  hs_command_line_execute (cmdline, "Go");
  hs_command_line_execute (cmdline, "; a comment does nothing");
  hs_command_line_execute (cmdline, "Regster.view");
  /* A refused connection is an error line, and the command line goes on working. */
  hs_command_line_execute (cmdline, "SYStem.Attach 127.0.0.1:1");
  hs_command_line_execute (cmdline, "PRINT STATE.ATTACHED()");
  hs_test_wait_until (command_line_idle, cmdline, WAIT_S, "the command line");

  output = hs_command_line_get_output (cmdline);
  g_test_message ("%s", output);
  g_assert_nonnull (strstr (output, "> PRINT 0x10+2\n0x12\n"));
  g_assert_nonnull (strstr (output, "> Go\nGo: not attached"));
  g_assert_nonnull (strstr (output, "did you mean Register.view?"));
  g_assert_nonnull (strstr (output, "cannot connect to the gdbstub at 127.0.0.1:1"));
  g_assert_nonnull (strstr (output, "> PRINT STATE.ATTACHED()\nFALSE()\n"));
  g_assert_cmpint (hs_engine_get_state (f->engine), ==, HS_ENGINE_STATE_DETACHED);
}

static gboolean
script_shown (gpointer data)
{
  const char *status = hs_command_line_get_script_status (data);
  g_autofree char *output = hs_command_line_get_output (data);

  return status != NULL && strstr (status, "line 5 of 7") != NULL
         && strstr (output, "started\n") != NULL;
}

/* The first button labelled @label under @widget, or NULL. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_script (Fixture       *f,
             gconstpointer  data)
{
  HsCommandLine *cmdline = f->cmdline;
  g_autofree char *line = write_script (f, "slow.cmm",
                                        "; runs until stopped\n"
                                        "PRINT \"started\"\n"
                                        "RePeaT\n"
                                        "(\n"
                                        "  WAIT 20.ms\n"
                                        ")\n"
                                        "PRINT \"never\"\n");
  g_autofree char *output = NULL;
  GtkWidget *stop;

  g_assert_null (hs_command_line_get_script_status (cmdline));

  hs_command_line_execute (cmdline, line);
  /* While it runs: its first line printed already, the bar on its WAIT. */
  hs_test_wait_until (script_shown, cmdline, WAIT_S, "the script's progress");
  g_assert_true (hs_command_line_is_busy (cmdline));
  g_assert_true (g_str_has_prefix (hs_command_line_get_script_status (cmdline),
                                   "slow.cmm: "));

  stop = find_button (f->widget, "Stop");
  g_assert_nonnull (stop);
  g_assert_true (gtk_widget_is_visible (stop));
  g_assert_true (gtk_widget_activate (stop));
  hs_test_wait_until (command_line_idle, cmdline, WAIT_S, "the script to stop");

  output = hs_command_line_get_output (cmdline);
  g_test_message ("%s", output);
  g_assert_nonnull (strstr (output, "started\n"));
  g_assert_nonnull (strstr (output, "stopped at "));
  g_assert_nonnull (strstr (output, "slow.cmm:5: WAIT 20.ms"));
  g_assert_null (strstr (output, "never"));
  g_assert_null (hs_command_line_get_script_status (cmdline));
}

static void
test_script_stop (Fixture       *f,
                  gconstpointer  data)
{
  HsCommandLine *cmdline = f->cmdline;
  g_autofree char *line = write_script (f, "paused.cmm",
                                        "&n=1\n"
                                        "STOP\n"
                                        "PRINT \"resumed \" &n\n"
                                        "STOP\n"
                                        "PRINT \"never\"\n");
  g_autofree char *output = NULL;
  GtkWidget *cont, *end;

  /* Paused: the DO is over, the bar says where the script waits. */
  hs_command_line_execute (cmdline, line);
  hs_test_wait_until (command_line_idle, cmdline, WAIT_S, "the script to stop");
  g_assert_cmpstr (hs_command_line_get_script_status (cmdline), ==,
                   "paused.cmm: stopped at line 2 of 5");
  cont = find_button (f->widget, "Continue");
  end = find_button (f->widget, "End");
  g_assert_nonnull (cont);
  g_assert_nonnull (end);
  g_assert_true (gtk_widget_is_visible (cont));

  /* A line typed meanwhile sees the script's macros; Continue runs it on to its next STOP. */
  hs_command_line_execute (cmdline, "&n=5");
  /* Clicked now: a button's activate clicks it only after its press animation. */
  g_signal_emit_by_name (cont, "clicked");
  hs_test_wait_until (command_line_idle, cmdline, WAIT_S, "the script to stop again");
  g_assert_cmpstr (hs_command_line_get_script_status (cmdline), ==,
                   "paused.cmm: stopped at line 4 of 5");

  /* End ends it, and the bar goes. */
  g_signal_emit_by_name (end, "clicked");
  hs_test_wait_until (command_line_idle, cmdline, WAIT_S, "END");
  g_assert_null (hs_command_line_get_script_status (cmdline));
  g_assert_false (gtk_widget_is_visible (cont));

  output = hs_command_line_get_output (cmdline);
  g_test_message ("%s", output);
  g_assert_nonnull (strstr (output, "> CONTinue\nresumed 0x5\n"));
  g_assert_nonnull (strstr (output, "> END\n"));
  g_assert_nonnull (strstr (output, "paused.cmm:4: the script stopped here has ended"));
  g_assert_null (strstr (output, "never"));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  hs_widgets_init ();

#define ADD(name, func) \
  g_test_add ("/Hs/CommandLine/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("commands", test_command_line);
  ADD ("script", test_script);
  ADD ("script-stop", test_script_stop);
#undef ADD
  return g_test_run ();
}
