/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-text-jump.c: hs_text_view_jump_to_mark() under Xvfb, with GTK's
 * animations on (as on a desktop).
 *
 * The first frame painted after a jump must show the destination (GTK's own
 * scroll glides there over several frames), and the view must stay there:
 * aligned to a line, made visible at the end of a log, and a jump replaced
 * by a newer one before any frame.
 */
#include "config.h"

#include "hs-test-util.h"

#include <gtk/gtk.h>
#include <math.h>

#include "hs-text-jump.h"

#define N_LINES 600

static GtkTextView *view;
static GtkAdjustment *vadj;
static guint painted;

static void
on_after_paint (void)
{
  painted++;
}

static gboolean
painted_since (gpointer data)
{
  return painted > GPOINTER_TO_UINT (data);
}

/* Waits for the next frame painted after now. */
static void
wait_frame (void)
{
  hs_test_wait_until (painted_since, GUINT_TO_POINTER (painted), 10, "a frame");
}

static GtkTextMark *
mark_at_line (int line)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_line (buffer, &iter, line);
  return gtk_text_buffer_create_mark (buffer, NULL, &iter, TRUE);
}

/* Where @line is in the buffer, and how tall. */
static void
line_range (int     line,
            double *top,
            double *height)
{
  GtkTextIter iter;
  int y, h;

  gtk_text_buffer_get_iter_at_line (gtk_text_view_get_buffer (view), &iter, line);
  gtk_text_view_get_line_yrange (view, &iter, &y, &h);
  *top = y;
  if (height != NULL)
    *height = h;
}

/* The value after the first frame, and that it does not move in the next ones. */
static double
value_after_jump (void)
{
  double first;

  wait_frame ();
  first = gtk_adjustment_get_value (vadj);
  for (guint i = 0; i < 6; i++)
    {
      hs_test_spin (20);
      g_assert_cmpfloat_with_epsilon (gtk_adjustment_get_value (vadj), first, 0.5);
    }
  return first;
}

static void
test_align (void)
{
  GtkTextMark *mark = mark_at_line (400);
  double page, expected, value, top, height;

  gtk_adjustment_set_value (vadj, 0);
  wait_frame ();
  hs_text_view_jump_to_mark (view, mark, 0.0, TRUE, 0.5);
  gtk_text_buffer_delete_mark (gtk_text_view_get_buffer (view), mark);   /* it was copied */
  value = value_after_jump ();
  page = gtk_adjustment_get_page_size (vadj);
  line_range (400, &top, &height);
  expected = top - (page - height) / 2;
  g_assert_cmpfloat (height, >, 0);
  g_assert_cmpfloat_with_epsilon (value, expected, 1.0);
}

static void
test_onscreen_at_end (void)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter end;
  GtkTextMark *mark;
  double value;

  gtk_adjustment_set_value (vadj, 0);
  wait_frame ();
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, "one more line\n", -1);
  gtk_text_buffer_get_end_iter (buffer, &end);
  mark = gtk_text_buffer_create_mark (buffer, NULL, &end, FALSE);
  hs_text_view_jump_to_mark (view, mark, 0.0, FALSE, 0.0);
  value = value_after_jump ();
  /* A log follows its end: the view is at the bottom. */
  g_assert_cmpfloat_with_epsilon (value, gtk_adjustment_get_upper (vadj)
                                         - gtk_adjustment_get_page_size (vadj), 1.0);
  gtk_text_buffer_delete_mark (buffer, mark);
}

static void
test_replaced (void)
{
  GtkTextMark *first = mark_at_line (100);
  GtkTextMark *second = mark_at_line (300);
  double value, page, top;

  gtk_adjustment_set_value (vadj, 0);
  wait_frame ();
  hs_text_view_jump_to_mark (view, first, 0.0, TRUE, 0.0);
  hs_text_view_jump_to_mark (view, second, 0.0, TRUE, 0.0);
  value = value_after_jump ();
  page = gtk_adjustment_get_page_size (vadj);
  g_assert_cmpfloat (page, >, 0);
  line_range (300, &top, NULL);
  g_assert_cmpfloat_with_epsilon (value, top, 1.0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *window, *scroller;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", TRUE, NULL);

  for (guint i = 0; i < N_LINES; i++)
    g_string_append_printf (text, "line %u\n", i);
  view = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_monospace (view, TRUE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text->str, -1);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (view));
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 500, 300);
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_present (GTK_WINDOW (window));
  vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (on_after_paint), NULL);
  hs_test_spin (300);

  g_test_add_func ("/text-jump/align", test_align);
  g_test_add_func ("/text-jump/onscreen-at-end", test_onscreen_at_end);
  g_test_add_func ("/text-jump/replaced", test_replaced);
  return g_test_run ();
}
