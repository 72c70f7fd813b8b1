/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-command-line.c: the command line under Xvfb, on an engine with no target: commands and
 * their errors, and a script run with DO: what it prints shows while it runs, the bar above
 * the entry says where it is, and its Stop button stops it; a script paused by STOP stays in
 * the bar, with Continue and End.
 */
#include "config.h"

#include "hs-test-util.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "hs-command-line.h"
#include "hs-widgets.h"

#define WAIT_S 60

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
  hs_test_wait_until (command_line_idle, cmdline, WAIT_S, "the command line");

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
test_script (void)
{
  g_autoptr(HsEngine) engine = hs_engine_new ();
  g_autoptr(HsInterp) interp = hs_interp_new (engine);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *cmdline = hs_command_line_new (interp);
  g_autofree char *dir = g_dir_make_tmp ("hs-cmdline-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "slow.cmm", NULL);
  g_autofree char *line = g_strdup_printf ("DO \"%s\"", path);
  g_autofree char *output = NULL;
  GtkWidget *stop;

  g_assert_true (g_file_set_contents (path,
                                      "; runs until stopped\n"
                                      "PRINT \"started\"\n"
                                      "RePeaT\n"
                                      "(\n"
                                      "  WAIT 20.ms\n"
                                      ")\n"
                                      "PRINT \"never\"\n", -1, NULL));
  gtk_window_set_child (GTK_WINDOW (window), cmdline);
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 300);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_null (hs_command_line_get_script_status (HS_COMMAND_LINE (cmdline)));

  hs_command_line_execute (HS_COMMAND_LINE (cmdline), line);
  /* While it runs: its first line printed already, the bar on its WAIT. */
  hs_test_wait_until (script_shown, cmdline, WAIT_S, "the script's progress");
  g_assert_true (hs_command_line_is_busy (HS_COMMAND_LINE (cmdline)));
  g_assert_true (g_str_has_prefix (hs_command_line_get_script_status (HS_COMMAND_LINE (cmdline)),
                                   "slow.cmm: "));

  stop = find_button (cmdline, "Stop");
  g_assert_nonnull (stop);
  g_assert_true (gtk_widget_is_visible (stop));
  g_assert_true (gtk_widget_activate (stop));
  hs_test_wait_until (command_line_idle, cmdline, WAIT_S, "the script to stop");

  output = hs_command_line_get_output (HS_COMMAND_LINE (cmdline));
  g_test_message ("%s", output);
  g_assert_nonnull (strstr (output, "started\n"));
  g_assert_nonnull (strstr (output, "stopped at "));
  g_assert_nonnull (strstr (output, "slow.cmm:5: WAIT 20.ms"));
  g_assert_null (strstr (output, "never"));
  g_assert_null (hs_command_line_get_script_status (HS_COMMAND_LINE (cmdline)));

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_script_stop (void)
{
  g_autoptr(HsEngine) engine = hs_engine_new ();
  g_autoptr(HsInterp) interp = hs_interp_new (engine);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *cmdline = hs_command_line_new (interp);
  HsCommandLine *cl = HS_COMMAND_LINE (cmdline);
  g_autofree char *dir = g_dir_make_tmp ("hs-cmdline-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "paused.cmm", NULL);
  g_autofree char *line = g_strdup_printf ("DO \"%s\"", path);
  g_autofree char *output = NULL;
  GtkWidget *cont, *end;

  g_assert_true (g_file_set_contents (path,
                                      "&n=1\n"
                                      "STOP\n"
                                      "PRINT \"resumed \" &n\n"
                                      "STOP\n"
                                      "PRINT \"never\"\n", -1, NULL));
  gtk_window_set_child (GTK_WINDOW (window), cmdline);
  gtk_window_set_default_size (GTK_WINDOW (window), 700, 300);
  gtk_window_present (GTK_WINDOW (window));

  /* Paused: the DO is over, the bar says where the script waits. */
  hs_command_line_execute (cl, line);
  hs_test_wait_until (command_line_idle, cmdline, WAIT_S, "the script to stop");
  g_assert_cmpstr (hs_command_line_get_script_status (cl), ==,
                   "paused.cmm: stopped at line 2 of 5");
  cont = find_button (cmdline, "Continue");
  end = find_button (cmdline, "End");
  g_assert_nonnull (cont);
  g_assert_nonnull (end);
  g_assert_true (gtk_widget_is_visible (cont));

  /* A line typed meanwhile sees the script's macros; Continue runs it on to its next STOP. */
  hs_command_line_execute (cl, "&n=5");
  /* Clicked now: a button's activate clicks it only after its press animation. */
  g_signal_emit_by_name (cont, "clicked");
  hs_test_wait_until (command_line_idle, cmdline, WAIT_S, "the script to stop again");
  g_assert_cmpstr (hs_command_line_get_script_status (cl), ==,
                   "paused.cmm: stopped at line 4 of 5");

  /* End ends it, and the bar goes. */
  g_signal_emit_by_name (end, "clicked");
  hs_test_wait_until (command_line_idle, cmdline, WAIT_S, "END");
  g_assert_null (hs_command_line_get_script_status (cl));
  g_assert_false (gtk_widget_is_visible (cont));

  output = hs_command_line_get_output (cl);
  g_test_message ("%s", output);
  g_assert_nonnull (strstr (output, "> CONTinue\nresumed 0x5\n"));
  g_assert_nonnull (strstr (output, "> END\n"));
  g_assert_nonnull (strstr (output, "paused.cmm:4: the script stopped here has ended"));
  g_assert_null (strstr (output, "never"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  hs_widgets_init ();

  g_test_add_func ("/Hs/CommandLine/commands", test_command_line);
  g_test_add_func ("/Hs/CommandLine/script", test_script);
  g_test_add_func ("/Hs/CommandLine/script-stop", test_script_stop);
  return g_test_run ();
}
