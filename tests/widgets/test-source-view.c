/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-source-view.c: the source view under Xvfb, on a C file written here.
 *
 * It must load the file once, mark and centre the current line, show the
 * breakpoints it is given, turn a gutter click into "toggle-breakpoint"
 * without changing its own marks, and say why when there is no source. It
 * saves source-view.png and source-view-dark.png in the build dir.
 */
#include "config.h"

#include "hs-test-util.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <gtksourceview/gtksource.h>
#include <string.h>
#include <sys/stat.h>

#include "hs-source-view.h"
#include "hs-widgets.h"

#define WAIT_S   30
#define N_LINES  240

typedef gboolean (*Predicate) (gpointer data);

static void
spin (guint ms)
{
  hs_test_spin (ms);
}

static void
wait_until (Predicate   pred,
            gpointer    data,
            const char *what)
{
  hs_test_wait_until (pred, data, WAIT_S, what);
}

static gboolean
loaded (gpointer data)
{
  return !hs_source_view_is_loading (data);
}

/* A C file of N_LINES lines: line N says "line N"; line 7 holds bytes that are not UTF-8. */
static char *
write_source (const char *dir)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "sample.c", NULL);

  g_string_append (s, "/* SPDX-License-Identifier: GPL-3.0-or-later */\n"
                      "#include <stdio.h>\n"
                      "\n"
                      "static int counter;\n"
                      "\n"
                      "/* line 6 */\n"
                      "static const char bad[] = \"\xff\xfe latin-1: \xe9\";\n");
  for (guint line = 8; line <= N_LINES; line++)
    {
      if (line % 10 == 0)
        g_string_append_printf (s, "int function_%u (int x) { return x + counter; }\n", line);
      else
        g_string_append_printf (s, "  counter += x * %u;  /* line %u */\n", line, line);
    }
  g_assert_true (g_file_set_contents (path, s->str, s->len, &error));
  g_assert_no_error (error);
  return path;
}

static GtkSourceView *
find_source_view (GtkWidget *widget)
{
  if (GTK_SOURCE_IS_VIEW (widget))
    return GTK_SOURCE_VIEW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkSourceView *found = find_source_view (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
assert_marks (HsSourceView *view,
              const char   *category,
              const guint  *expected,
              guint         n_expected)
{
  g_autoptr(GArray) lines = hs_source_view_get_mark_lines (view, category);

  g_assert_cmpuint (lines->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpuint (g_array_index (lines, guint, i), ==, expected[i]);
}

typedef struct
{
  guint count;
  char *path;
  guint line;
} Toggle;

static void
on_toggle (HsSourceView *view,
           const char   *path,
           guint         line,
           Toggle       *toggle)
{
  toggle->count++;
  g_free (toggle->path);
  toggle->path = g_strdup (path);
  toggle->line = line;
}

static void
click_gutter (GtkSourceView *source,
              guint          line,
              guint          button,
              int            n_presses)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_line (gtk_text_view_get_buffer (GTK_TEXT_VIEW (source)), &iter,
                                    line - 1);
  g_signal_emit_by_name (source, "line-mark-activated", &iter, button, (GdkModifierType) 0,
                         n_presses);
}

/* Where @line is in the visible part of the view, from 0 (top) to 1 (bottom). */
static double
line_position (GtkSourceView *source,
               guint          line)
{
  GdkRectangle visible, location;
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_line (gtk_text_view_get_buffer (GTK_TEXT_VIEW (source)), &iter,
                                    line - 1);
  gtk_text_view_get_visible_rect (GTK_TEXT_VIEW (source), &visible);
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (source), &iter, &location);
  return (location.y + location.height / 2.0 - visible.y) / MAX (visible.height, 1);
}

static gboolean
centred (gpointer data)
{
  double where = line_position (data, 120);

  return where > 0.35 && where < 0.65;
}

static void
save_png (GtkWidget  *window,
          const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *png = g_test_build_filename (G_TEST_BUILT, "widgets", name, NULL);

  g_assert_true (hs_widget_save_png (window, png, &error));
  g_assert_no_error (error);
  g_test_message ("saved %s", png);
}

static void
test_source_view (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hs-source-view-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *fifo = NULL;
  g_autofree char *text = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *widget = hs_source_view_new ();
  HsSourceView *view = HS_SOURCE_VIEW (widget);
  GtkSourceView *source = find_source_view (widget);
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (source)));
  GtkSettings *settings = gtk_widget_get_settings (widget);
  Toggle toggle = { 0 };
  const guint breakpoints[] = { 118, 125 };
  const guint current[] = { 120 };
  const guint moved[] = { 200 };

  g_assert_no_error (error);
  g_assert_nonnull (source);
  path = write_source (dir);
  g_signal_connect (view, "toggle-breakpoint", G_CALLBACK (on_toggle), &toggle);

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 560);
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_null (hs_source_view_get_path (view));

  /* Breakpoints may be given before the file is shown. */
  hs_source_view_set_breakpoint_lines (view, path, breakpoints, G_N_ELEMENTS (breakpoints));

  g_assert_true (hs_source_view_show (view, path, 120, &error));
  g_assert_no_error (error);
  wait_until (loaded, view, "the file to load");
  g_assert_cmpstr (hs_source_view_get_path (view), ==, path);
  g_assert_cmpuint (hs_source_view_get_current_line (view), ==, 120);
  text = hs_source_view_get_line_text (view, 120);
  g_assert_cmpstr (text, ==, "int function_120 (int x) { return x + counter; }");
  g_clear_pointer (&text, g_free);
  text = hs_source_view_get_line_text (view, 119);
  g_assert_cmpstr (text, ==, "  counter += x * 119;  /* line 119 */");
  g_clear_pointer (&text, g_free);
  g_assert_null (hs_source_view_get_line_text (view, 0));
  g_assert_null (hs_source_view_get_line_text (view, 100000));
  /* No empty line after the final newline. */
  g_assert_cmpint (gtk_text_buffer_get_line_count (GTK_TEXT_BUFFER (buffer)), ==, N_LINES);
  /* Invalid bytes became U+FFFD. */
  text = hs_source_view_get_line_text (view, 7);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_nonnull (strstr (text, "\xef\xbf\xbd"));
  g_clear_pointer (&text, g_free);

  g_assert_cmpstr (gtk_source_language_get_id (gtk_source_buffer_get_language (buffer)), ==, "c");
  g_assert_true (gtk_source_view_get_show_line_numbers (source));
  g_assert_true (gtk_source_view_get_show_line_marks (source));
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (source)));
  g_assert_true (gtk_text_view_get_monospace (GTK_TEXT_VIEW (source)));
  assert_marks (view, "hs-current", current, 1);
  assert_marks (view, "hs-breakpoint", breakpoints, 2);
  wait_until (centred, source, "line 120 to be centred");

  /* A click in the gutter asks; the marks stay as they are until the owner answers. */
  click_gutter (source, 125, GDK_BUTTON_PRIMARY, 1);
  g_assert_cmpuint (toggle.count, ==, 1);
  g_assert_cmpstr (toggle.path, ==, path);
  g_assert_cmpuint (toggle.line, ==, 125);
  assert_marks (view, "hs-breakpoint", breakpoints, 2);
  click_gutter (source, 125, GDK_BUTTON_PRIMARY, 2);     /* the second press of a double click */
  click_gutter (source, 125, GDK_BUTTON_SECONDARY, 1);
  g_assert_cmpuint (toggle.count, ==, 1);
  hs_source_view_set_breakpoint_lines (view, path, breakpoints, 1);
  assert_marks (view, "hs-breakpoint", breakpoints, 1);
  /* Another file's breakpoints do not show here. */
  hs_source_view_set_breakpoint_lines (view, "/elsewhere.c", breakpoints + 1, 1);
  assert_marks (view, "hs-breakpoint", breakpoints, 1);
  hs_source_view_set_breakpoint_lines (view, path, breakpoints, G_N_ELEMENTS (breakpoints));

  spin (300);
  save_png (window, "source-view.png");

  /* The same file again: no reload, the mark moves. */
  g_assert_true (hs_source_view_show (view, path, 200, &error));
  g_assert_no_error (error);
  g_assert_false (hs_source_view_is_loading (view));
  g_assert_cmpuint (hs_source_view_get_current_line (view), ==, 200);
  assert_marks (view, "hs-current", moved, 1);

  /* A missing file or a FIFO is an error at once, and what was shown stays. */
  {
    g_autofree char *missing = g_build_filename (dir, "missing.c", NULL);

    g_assert_false (hs_source_view_show (view, missing, 1, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, missing));
    g_clear_error (&error);
    fifo = g_build_filename (dir, "fifo.c", NULL);
    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    g_assert_false (hs_source_view_show (view, fifo, 1, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
    g_clear_error (&error);
    g_assert_cmpstr (hs_source_view_get_path (view), ==, path);
    g_assert_cmpuint (hs_source_view_get_current_line (view), ==, 200);
  }

  /* A message instead of source; the file stays cached for the next halt in it. */
  hs_source_view_show_message (view, "No source for 0xffff800008010000: cannot find the source "
                               "file debian/build/build_arm64_none_cloud-arm64/init/main.c; map "
                               "it with sYmbol.SourcePATH.Translate \"debian/build/"
                               "build_arm64_none_cloud-arm64\" \"/path/to/linux\"");
  g_assert_null (hs_source_view_get_path (view));
  g_assert_cmpuint (hs_source_view_get_current_line (view), ==, 0);
  g_assert_nonnull (strstr (hs_source_view_get_message (view), "SourcePATH.Translate"));
  assert_marks (view, "hs-current", NULL, 0);
  click_gutter (source, 10, GDK_BUTTON_PRIMARY, 1);
  g_assert_cmpuint (toggle.count, ==, 1);
  spin (200);
  save_png (window, "source-view-message.png");

  g_assert_true (hs_source_view_show (view, path, 120, &error));
  g_assert_no_error (error);
  g_assert_false (hs_source_view_is_loading (view));
  g_assert_null (hs_source_view_get_message (view));
  assert_marks (view, "hs-current", current, 1);
  assert_marks (view, "hs-breakpoint", breakpoints, 2);

  /* The style scheme follows the dark preference. */
  g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (buffer)),
                   ==, "Adwaita");
  g_object_set (settings, "gtk-application-prefer-dark-theme", TRUE, NULL);
  g_assert_cmpstr (gtk_source_style_scheme_get_id (gtk_source_buffer_get_style_scheme (buffer)),
                   ==, "Adwaita-dark");
  spin (300);
  save_png (window, "source-view-dark.png");
  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);

  gtk_window_destroy (GTK_WINDOW (window));
  g_free (toggle.path);
  g_unlink (fifo);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  hs_widgets_init ();

  g_test_add_func ("/Hs/Widgets/source-view", test_source_view);
  return g_test_run ();
}
