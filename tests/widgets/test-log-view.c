/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-log-view.c: the kernel log view under Xvfb, on logs built here (no board): lines kept
 * across reads, the new ones marked, the scroll position kept unless at the end, another
 * machine's log replacing the rows. Saves hs-log-view.png.
 */
#include "config.h"

#include "hs-test-util.h"

#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "hs-context.h"
#include "hs-log-view.h"
#include "hs-widgets.h"

typedef struct
{
  HsEngine *engine;
  HsContext *context;
  GtkWindow *window;
  HsLogView *view;
} Fixture;

/* Machine @machine's log holding records @from..@to - 1: every tenth has two lines; those from
 * @first_new_seq on are new (G_MAXUINT64: no earlier halt). */
static HsLog *
make_log (guint       machine,
          guint64     from,
          guint64     to,
          guint64     first_new_seq,
          const char *warning)
{
  GArray *lines = hs_log_lines_new ();
  guint first_new = G_MAXUINT;

  for (guint64 seq = from; seq < to; seq++)
    {
      g_autofree char *text = seq % 10 == 0
        ? g_strdup_printf ("record %" G_GUINT64_FORMAT " begins\nand goes on", seq)
        : g_strdup_printf ("record %" G_GUINT64_FORMAT "%s", seq,
                           seq % 37 == 0 ? ": a longer line, as a driver's probe message is, "
                                           "with addresses 0x0000000009000000-0x0000000009000fff"
                                         : "");
      HsLogLine proto = { .seq = seq, .ts_nsec = seq * G_GUINT64_CONSTANT (12345678),
                          .level = seq % 13 == 0 ? 3 : seq % 11 == 0 ? 4 : 6 };

      if (seq == first_new_seq)
        first_new = lines->len;
      hs_log_append_text (lines, &proto, (const guint8 *) text, strlen (text));
    }
  if (first_new_seq != G_MAXUINT64 && first_new == G_MAXUINT)
    first_new = lines->len;
  return hs_log_new (machine, FALSE, lines, first_new, "a log built by the test", warning);
}

static HsLog *
make_xen_log (void)
{
  GArray *lines = hs_log_lines_new ();
  const char *text = "(XEN) Xen version 4.17.5 (Debian)\n(XEN) DOM2: [    0.000000] Booting "
                     "Linux on physical CPU 0x0000000000\n(XEN) DOM1: HYPERSCOPE-READY linux1\n";
  HsLogLine proto = { .seq = 0, .level = -1 };

  for (const char *p = text; *p;)
    {
      const char *nl = strchr (p, '\n');

      proto.seq = (guint64) (nl + 1 - text);
      hs_log_append_text (lines, &proto, (const guint8 *) p, (gsize) (nl - p));
      p = nl + 1;
    }
  return hs_log_new (0, TRUE, lines, G_MAXUINT, "a ring built by the test", NULL);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fx->engine = hs_engine_new ();
  fx->context = hs_context_new (fx->engine);
  fx->view = HS_LOG_VIEW (hs_log_view_new (fx->engine, fx->context));
  fx->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fx->window, 1000, 480);
  gtk_window_set_child (fx->window, GTK_WIDGET (fx->view));
  gtk_window_present (fx->window);
  hs_test_spin (200);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  gtk_window_destroy (fx->window);
  hs_test_spin (20);
  g_clear_object (&fx->context);
  hs_test_release_and_wait (g_steal_pointer (&fx->engine), 10);
}

static gboolean
at_end (Fixture *fx)
{
  GtkAdjustment *adj = hs_log_view_get_vadjustment (fx->view);

  g_test_message ("value %.0f page %.0f upper %.0f", gtk_adjustment_get_value (adj),
                  gtk_adjustment_get_page_size (adj), gtk_adjustment_get_upper (adj));

  return gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj)
         >= gtk_adjustment_get_upper (adj) - 2;
}

static void
assert_line (Fixture    *fx,
             guint       index,
             const char *text)
{
  g_autofree char *got = hs_log_view_get_line_text (fx->view, index);

  g_assert_cmpstr (got, ==, text);
}

static void
test_show (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(HsLog) log = make_log (2, 0, 300, G_MAXUINT64, NULL);

  hs_log_view_show_log (fx->view, log);
  hs_test_spin (200);
  /* 300 records, 30 of them two lines, each line with its record's prefix. */
  g_assert_cmpuint (hs_log_view_get_n_lines (fx->view), ==, 330);
  assert_line (fx, 0, "<3>[    0.000000] record 0 begins");
  assert_line (fx, 1, "<3>[    0.000000] and goes on");
  assert_line (fx, 2, "<6>[    0.012345] record 1");
  g_assert_false (hs_log_view_is_line_new (fx->view, 329));
  g_assert_null (hs_log_view_get_status (fx->view));
  /* A first log is shown from its end, as dmesg's last lines are what one looks for. */
  g_assert_true (at_end (fx));
}

/* A halt later: the ring lost records at its front and gained some at its end. */
static void
test_update (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(HsLog) first = make_log (2, 0, 300, G_MAXUINT64, NULL);
  g_autoptr(HsLog) second = make_log (2, 5, 310, 300, "2 records being written are not shown");
  g_autoptr(HsLog) third = make_log (2, 12, 330, 310, NULL);
  GtkAdjustment *adj = hs_log_view_get_vadjustment (fx->view);
  guint n;
  double before;

  hs_log_view_show_log (fx->view, first);
  hs_test_spin (200);
  /* The user scrolls up to read: the next halt leaves the view where it is. */
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) / 2);
  hs_test_spin (100);
  before = gtk_adjustment_get_value (adj);
  g_assert_false (at_end (fx));
  hs_log_view_show_log (fx->view, second);
  hs_test_spin (200);
  n = hs_log_view_get_n_lines (fx->view);
  /* 5..309: 305 records, 30 of them (10, 20, ... 300) two lines. */
  g_assert_cmpuint (n, ==, 305 + 30);
  assert_line (fx, 0, "<6>[    0.061728] record 5");
  g_assert_false (hs_log_view_is_line_new (fx->view, n - 12));
  g_assert_true (hs_log_view_is_line_new (fx->view, n - 11));
  g_assert_true (hs_log_view_is_line_new (fx->view, n - 1));
  g_assert_cmpstr (hs_log_view_get_status (fx->view), ==, "2 records being written are not shown");
  g_test_message ("scrolled to %.0f px before, %.0f px after", before,
                  gtk_adjustment_get_value (adj));
  g_assert_false (at_end (fx));
  g_assert_cmpfloat (fabs (gtk_adjustment_get_value (adj) - before), <,
                     gtk_adjustment_get_page_size (adj));

  /* At the end, the view follows the end. */
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
  hs_test_spin (100);
  g_assert_true (at_end (fx));
  hs_log_view_show_log (fx->view, third);
  hs_test_spin (300);
  g_assert_true (at_end (fx));
  /* The lines new at the last halt are not new any more; the ones since are. */
  n = hs_log_view_get_n_lines (fx->view);
  assert_line (fx, 0, "<6>[    0.148148] record 12");
  g_assert_false (hs_log_view_is_line_new (fx->view, 0));
  g_assert_true (hs_log_view_is_line_new (fx->view, n - 1));
  g_assert_null (hs_log_view_get_status (fx->view));
}

/* Another machine's log replaces the rows; Xen's lines are shown as Xen wrote them. */
static void
test_other_machine (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(HsLog) guest = make_log (2, 0, 50, G_MAXUINT64, NULL);
  g_autoptr(HsLog) xen = make_xen_log ();

  hs_log_view_show_log (fx->view, guest);
  hs_log_view_show_log (fx->view, xen);
  hs_test_spin (100);
  g_assert_cmpuint (hs_log_view_get_n_lines (fx->view), ==, 3);
  assert_line (fx, 0, "(XEN) Xen version 4.17.5 (Debian)");
  assert_line (fx, 2, "(XEN) DOM1: HYPERSCOPE-READY linux1");
  g_assert_true (hs_log_view_get_log (fx->view) == xen);
}

/* A log that comes while its tab is not shown is shown from its end when the tab is. */
static void
test_hidden (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(HsLog) log = make_log (2, 0, 300, G_MAXUINT64, NULL);
  GtkNotebook *notebook = GTK_NOTEBOOK (gtk_notebook_new ());

  g_object_ref (fx->view);
  gtk_window_set_child (fx->window, NULL);
  gtk_notebook_append_page (notebook, gtk_label_new ("another view"), gtk_label_new ("Other"));
  gtk_notebook_append_page (notebook, GTK_WIDGET (fx->view), gtk_label_new ("Log"));
  g_object_unref (fx->view);
  gtk_window_set_child (fx->window, GTK_WIDGET (notebook));
  hs_test_spin (100);
  g_assert_cmpint (gtk_notebook_get_current_page (notebook), ==, 0);
  hs_log_view_show_log (fx->view, log);
  hs_test_spin (200);
  gtk_notebook_set_current_page (notebook, 1);
  hs_test_spin (300);
  g_assert_true (at_end (fx));
}

/* Without a target, nothing is read and nothing fails. */
static void
test_detached (Fixture       *fx,
               gconstpointer  data)
{
  hs_test_spin (100);
  g_assert_cmpuint (hs_log_view_get_n_lines (fx->view), ==, 0);
  g_assert_null (hs_log_view_get_log (fx->view));
}

static void
test_png (Fixture       *fx,
          gconstpointer  data)
{
  g_autoptr(HsLog) first = make_log (2, 0, 120, G_MAXUINT64, NULL);
  g_autoptr(HsLog) second = make_log (2, 0, 128, 124,
                                      "1 record being written when the guest stopped is not "
                                      "shown");
  g_autoptr(GError) error = NULL;
  g_autofree char *png = g_test_build_filename (G_TEST_BUILT, "widgets", "hs-log-view.png",
                                                NULL);

  hs_log_view_show_log (fx->view, first);
  hs_test_spin (100);
  hs_log_view_show_log (fx->view, second);
  hs_test_spin (300);
  g_assert_true (hs_widget_save_png (GTK_WIDGET (fx->window), png, &error));
  g_assert_no_error (error);
  g_test_message ("saved %s", png);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  hs_widgets_init ();

#define ADD(path, func) \
  g_test_add ("/Hs/LogView/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("show", test_show);
  ADD ("update", test_update);
  ADD ("other-machine", test_other_machine);
  ADD ("hidden", test_hidden);
  ADD ("detached", test_detached);
  ADD ("png", test_png);
#undef ADD
  return g_test_run ();
}
