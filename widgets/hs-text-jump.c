/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-text-jump.c: scrolling a text view to a mark at once.
 *
 * GtkTextView (GTK 4.8) glides to every position it is asked for over
 * 200 ms when animations are on: the frame painted right after a halt still
 * shows the old position, and a frame is painted at every refresh of the
 * glide, for each step. A debugger's views follow the pc at once.
 *
 * GTK's own scroll still runs, for what it does well: it validates the
 * lines around the destination. Once the frame's layout is done (our
 * handler on the frame clock's "layout" runs after the surface's), the
 * destination is computed from those lines as GTK computes it and set
 * without animation, which also ends GTK's glide. GUI thread only.
 */
#define G_LOG_DOMAIN "hs-text-jump"

#include "config.h"

#include "hs-text-jump.h"

#include <math.h>

/* Frames to wait for the destination's line to be validated before leaving it to GTK. */
#define MAX_TRIES 8

typedef struct
{
  GtkTextView *view;            /* unowned: the jump is the view's data */
  GtkTextMark *mark;            /* ours, in the view's buffer */
  double within_margin;
  gboolean use_align;
  double yalign;
  GdkFrameClock *clock;
  gulong layout_handler;
  guint tries;
} Jump;

static void
jump_disconnect (Jump *jump)
{
  /* A clock disposed with its window has dropped its handlers already. */
  if (jump->layout_handler != 0
      && g_signal_handler_is_connected (jump->clock, jump->layout_handler))
    g_signal_handler_disconnect (jump->clock, jump->layout_handler);
  jump->layout_handler = 0;
  g_clear_object (&jump->clock);
}

static void
jump_free (gpointer data)
{
  Jump *jump = data;

  jump_disconnect (jump);
  if (jump->mark != NULL && !gtk_text_mark_get_deleted (jump->mark))
    gtk_text_buffer_delete_mark (gtk_text_mark_get_buffer (jump->mark), jump->mark);
  g_clear_object (&jump->mark);
  g_free (jump);
}

static double
clamp_value (GtkAdjustment *adj,
             double         value)
{
  double top = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);

  return MAX (gtk_adjustment_get_lower (adj), MIN (value, top));
}

/* Where GTK's scroll to this line ends, vertically (gtk_text_view_scroll_to_iter's rule). */
static double
destination (Jump          *jump,
             GtkAdjustment *vadj,
             int            y,
             int            height)
{
  double value = gtk_adjustment_get_value (vadj);
  double page = gtk_adjustment_get_page_size (vadj);
  double margin = page * jump->within_margin;

  y += gtk_text_view_get_top_margin (jump->view);
  if (jump->use_align)
    return y + height * jump->yalign - (page - 2 * margin) * jump->yalign - margin;
  if (y < value + margin)
    return y - margin;
  if (y + height > value + page - margin)
    return y + height - page + margin;
  return value;
}

static void
on_layout (GdkFrameClock *clock,
           Jump          *jump)
{
  GtkScrollable *scrollable = GTK_SCROLLABLE (jump->view);
  GtkAdjustment *vadj = gtk_scrollable_get_vadjustment (scrollable);
  GtkAdjustment *hadj = gtk_scrollable_get_hadjustment (scrollable);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (jump->view);
  GtkTextIter iter;
  int y = 0, height = 0;

  if (gtk_text_mark_get_deleted (jump->mark) || vadj == NULL)
    {
      g_object_set_data (G_OBJECT (jump->view), "hs-text-jump", NULL);
      return;
    }
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, jump->mark);
  gtk_text_view_get_line_yrange (jump->view, &iter, &y, &height);
  if (height <= 0 && ++jump->tries < MAX_TRIES)
    {
      gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_LAYOUT);
      return;
    }
  /* Setting the value ends GTK's glide, even where it would not move. */
  gtk_adjustment_set_value (vadj, clamp_value (vadj, destination (jump, vadj, y, height)));
  if (hadj != NULL && gtk_text_iter_starts_line (&iter))
    gtk_adjustment_set_value (hadj, gtk_adjustment_get_lower (hadj));
  g_object_set_data (G_OBJECT (jump->view), "hs-text-jump", NULL);
}

/**
 * hs_text_view_jump_to_mark:
 * @view: a realized or unrealized text view in a scrolled window
 * @mark: where to go: a mark in @view's buffer (copied; it may go at once)
 *
 * gtk_text_view_scroll_to_mark() (the same arguments, with xalign 0), without the glide.
 */
void
hs_text_view_jump_to_mark (GtkTextView *view,
                           GtkTextMark *mark,
                           double       within_margin,
                           gboolean     use_align,
                           double       yalign)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GdkFrameClock *clock;
  GtkTextIter iter;
  Jump *jump;

  g_return_if_fail (GTK_IS_TEXT_VIEW (view));
  g_return_if_fail (GTK_IS_TEXT_MARK (mark) && gtk_text_mark_get_buffer (mark) == buffer);

  gtk_text_view_scroll_to_mark (view, mark, within_margin, use_align, 0.0, yalign);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (view));
  if (clock == NULL)
    return;                     /* not realized: GTK's scroll happens when it is, unanimated */

  jump = g_new0 (Jump, 1);
  jump->view = view;
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, mark);
  jump->mark = g_object_ref (gtk_text_buffer_create_mark (buffer, NULL, &iter, TRUE));
  jump->within_margin = within_margin;
  jump->use_align = use_align;
  jump->yalign = yalign;
  jump->clock = g_object_ref (clock);
  jump->layout_handler = g_signal_connect_after (clock, "layout", G_CALLBACK (on_layout), jump);
  /* Replaces (and frees) the jump still waiting, if any. */
  g_object_set_data_full (G_OBJECT (view), "hs-text-jump", jump, jump_free);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_LAYOUT);
}
