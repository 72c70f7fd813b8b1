/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-source-view.c: a source file with the current line and breakpoints.
 *
 * The file is loaded once and kept: a halt in the same file only moves the
 * "hs-current" mark, which matters for 5000-line kernel files highlighted on
 * every stop. Loading is asynchronous (a slow or hung mount must not freeze
 * the window) after a quick check that the path is a regular file of sane
 * size (a FIFO named like a source file would block a read forever).
 *
 * Breakpoint lines are kept per path, so a file shown again gets its marks
 * back without the owner repeating itself.
 */
#define G_LOG_DOMAIN "hs-source-view"

#include "config.h"

#include "hs-source-view.h"
#include "hs-text-jump.h"

#include <gtksourceview/gtksource.h>
#include <string.h>

#define CATEGORY_CURRENT    "hs-current"
#define CATEGORY_BREAKPOINT "hs-breakpoint"

/* Kernel sources run to a few hundred KiB; anything this big is not a source file. */
#define MAX_FILE_SIZE (32 * 1024 * 1024)

struct _HsSourceView
{
  GtkWidget parent_instance;

  /* Owned */
  GtkWidget *box;
  GtkLabel *header;
  GtkStack *stack;
  GtkSourceView *view;
  GtkSourceBuffer *buffer;
  GPtrArray *languages_kept;    /* of GtkSourceBuffer: one empty buffer per language shown */
  GtkLabel *message;
  GCancellable *loading;        /* set while the contents of @path are being read */
  GHashTable *breakpoints;      /* path → GArray of guint lines */

  char *path;                   /* the file in the buffer (or being loaded into it) */
  guint current_line;
  guint scroll_idle;
  gboolean loaded;              /* the buffer holds @path */
  gboolean showing_source;      /* FALSE while a message is shown */
  gboolean scroll_pending;      /* the current line is still to be centred */

  /* Hover values (main thread): the engine and where names are evaluated */
  HsEngine *engine;
  guint machine;
  guint64 space;
  GHashTable *values;           /* expression -> tooltip text, "" for none; until it runs */
  GCancellable *evaluating;     /* the one evaluation in flight, for @evaluating_expression */
  char *evaluating_expression;
};

G_DEFINE_FINAL_TYPE (HsSourceView, hs_source_view, GTK_TYPE_WIDGET)

enum
{
  TOGGLE_BREAKPOINT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- looks ------------------------------------------------------------------------------ */

/* Symbolic icons take the text colour; a breakpoint is red in every theme, so it is drawn
 * here: a disc on a transparent square, its edge smoothed by 4x4 supersampling. */
static GdkPixbuf *
make_breakpoint_pixbuf (void)
{
  const int size = 32;
  const double radius = size * 0.36, centre = size / 2.0;
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, size, size);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      {
        guint8 *p = pixels + y * stride + x * 4;
        guint inside = 0;

        for (int sy = 0; sy < 4; sy++)
          for (int sx = 0; sx < 4; sx++)
            {
              double dx = x + (sx + 0.5) / 4 - centre, dy = y + (sy + 0.5) / 4 - centre;

              inside += dx * dx + dy * dy <= radius * radius;
            }
        p[0] = 0xe0;              /* GNOME palette red 3: #e01b24 */
        p[1] = 0x1b;
        p[2] = 0x24;
        p[3] = (guint8) (inside * 255 / 16);
      }
  return pixbuf;
}

static void
set_up_marks (HsSourceView *self)
{
  g_autoptr(GtkSourceMarkAttributes) current = gtk_source_mark_attributes_new ();
  g_autoptr(GtkSourceMarkAttributes) breakpoint = gtk_source_mark_attributes_new ();
  g_autoptr(GdkPixbuf) dot = make_breakpoint_pixbuf ();
  /* Translucent so the line stays readable in light and dark schemes alike. */
  GdkRGBA yellow = { 0.96, 0.83, 0.18, 0.35 };

  gtk_source_mark_attributes_set_background (current, &yellow);
  gtk_source_mark_attributes_set_icon_name (current, "go-next-symbolic");
  gtk_source_mark_attributes_set_pixbuf (breakpoint, dot);
  /* The arrow above the dot when both are on one line. */
  gtk_source_view_set_mark_attributes (self->view, CATEGORY_BREAKPOINT, breakpoint, 10);
  gtk_source_view_set_mark_attributes (self->view, CATEGORY_CURRENT, current, 20);
}

static gboolean
prefers_dark (GtkSettings *settings)
{
  g_autofree char *theme = NULL;
  gboolean dark = FALSE;

  g_object_get (settings,
                "gtk-application-prefer-dark-theme", &dark,
                "gtk-theme-name", &theme,
                NULL);
  return dark || (theme != NULL && (g_str_has_suffix (theme, "-dark")
                                    || g_str_has_suffix (theme, "-Dark")));
}

/* Debian 12's gtksourceview-5 ships Adwaita / Adwaita-dark; classic / oblivion are older. */
static void
update_style_scheme (HsSourceView *self)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  gboolean dark = prefers_dark (gtk_widget_get_settings (GTK_WIDGET (self)));
  GtkSourceStyleScheme *scheme;

  scheme = gtk_source_style_scheme_manager_get_scheme (schemes, dark ? "Adwaita-dark"
                                                                     : "Adwaita");
  if (scheme == NULL)
    scheme = gtk_source_style_scheme_manager_get_scheme (schemes, dark ? "oblivion" : "classic");
  gtk_source_buffer_set_style_scheme (self->buffer, scheme);
}

static void
set_language (HsSourceView *self,
              const char   *path)
{
  GtkSourceLanguageManager *languages = gtk_source_language_manager_get_default ();
  g_autofree char *basename = g_path_get_basename (path);
  GtkSourceLanguage *language;

  /* By name only (no content sniffing); anything unknown is most likely C or a C header. */
  language = gtk_source_language_manager_guess_language (languages, basename, NULL);
  if (language == NULL)
    language = gtk_source_language_manager_get_language (languages, "c");
  /* A language's compiled highlighting rules live as long as a buffer uses them: halts move
   * between C and assembly files, and parsing a .lang file and compiling its regexes again
   * took most of a frame. An empty buffer per language keeps them. */
  if (language != NULL)
    {
      gboolean kept = FALSE;

      for (guint i = 0; i < self->languages_kept->len && !kept; i++)
        kept = gtk_source_buffer_get_language (g_ptr_array_index (self->languages_kept, i))
               == language;
      if (!kept)
        g_ptr_array_add (self->languages_kept, gtk_source_buffer_new_with_language (language));
    }
  gtk_source_buffer_set_language (self->buffer, language);
}

static void
update_header (HsSourceView *self)
{
  g_autofree char *text = NULL;

  if (!self->showing_source || self->path == NULL)
    text = g_strdup ("No source");
  else if (!self->loaded)
    text = g_strdup_printf ("%s (loading…)", self->path);
  else if (self->current_line > 0)
    text = g_strdup_printf ("%s:%u", self->path, self->current_line);
  else
    text = g_strdup (self->path);
  gtk_label_set_text (self->header, text);
  /* Only when it changes: setting a tooltip asks the X server where the pointer is. */
  if (g_strcmp0 (text, gtk_widget_get_tooltip_text (GTK_WIDGET (self->header))) != 0)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->header), text);
}

/* ---- marks ------------------------------------------------------------------------------ */

static void
remove_marks (HsSourceView *self,
              const char   *category)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (GTK_TEXT_BUFFER (self->buffer), &start, &end);
  gtk_source_buffer_remove_source_marks (self->buffer, &start, &end, category);
}

/* The start of 1-based @line, or FALSE when the buffer is shorter. */
static gboolean
line_start (HsSourceView *self,
            guint         line,
            GtkTextIter  *iter)
{
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);

  if (line == 0 || line > (guint) gtk_text_buffer_get_line_count (buffer))
    return FALSE;
  return gtk_text_buffer_get_iter_at_line (buffer, iter, line - 1);
}

static void
update_breakpoint_marks (HsSourceView *self)
{
  GArray *lines;

  remove_marks (self, CATEGORY_BREAKPOINT);
  if (!self->loaded)
    return;
  lines = g_hash_table_lookup (self->breakpoints, self->path);
  for (guint i = 0; lines != NULL && i < lines->len; i++)
    {
      GtkTextIter iter;

      if (line_start (self, g_array_index (lines, guint, i), &iter))
        gtk_source_buffer_create_source_mark (self->buffer, NULL, CATEGORY_BREAKPOINT, &iter);
    }
}

/* Scrolling before the view has its size lands in the wrong place. A view not on screen yet
 * scrolls just after GTK's validation idle, and again when the scrolled area changes size
 * while it has not happened yet. */
static gboolean
scroll_to_current (gpointer data)
{
  HsSourceView *self = data;
  GtkTextMark *mark;
  GSList *marks;
  GtkTextIter iter;

  self->scroll_idle = 0;
  if (!self->loaded || !line_start (self, self->current_line, &iter))
    {
      self->scroll_pending = FALSE;
      return G_SOURCE_REMOVE;
    }
  if (gtk_widget_get_height (GTK_WIDGET (self->view)) <= 0)
    return G_SOURCE_REMOVE;
  marks = gtk_source_buffer_get_source_marks_at_iter (self->buffer, &iter, CATEGORY_CURRENT);
  mark = marks != NULL ? marks->data : NULL;
  g_slist_free (marks);
  if (mark != NULL)
    hs_text_view_jump_to_mark (GTK_TEXT_VIEW (self->view), mark, 0.0, TRUE, 0.5);
  self->scroll_pending = FALSE;
  return G_SOURCE_REMOVE;
}

static void
queue_scroll (HsSourceView *self)
{
  self->scroll_pending = TRUE;
  if (self->scroll_idle == 0)
    self->scroll_idle = g_idle_add_full (GTK_TEXT_VIEW_PRIORITY_VALIDATE + 1, scroll_to_current,
                                         self, NULL);
}

static void
on_vadjustment_changed (HsSourceView *self)
{
  if (self->scroll_pending)
    queue_scroll (self);
}

static void
update_current_mark (HsSourceView *self)
{
  GtkTextIter iter;

  remove_marks (self, CATEGORY_CURRENT);
  if (!self->loaded || !line_start (self, self->current_line, &iter))
    return;
  gtk_source_buffer_create_source_mark (self->buffer, NULL, CATEGORY_CURRENT, &iter);
  gtk_text_buffer_place_cursor (GTK_TEXT_BUFFER (self->buffer), &iter);
  queue_scroll (self);
}

/* ---- loading ---------------------------------------------------------------------------- */

static void
show_page (HsSourceView *self,
           gboolean      source)
{
  self->showing_source = source;
  gtk_stack_set_visible_child_name (self->stack, source ? "source" : "message");
  update_header (self);
}

static void
forget_file (HsSourceView *self)
{
  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_clear_pointer (&self->path, g_free);
  self->loaded = FALSE;
  self->current_line = 0;
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->buffer), "", 0);
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(HsSourceView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &length, NULL, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf ("Cannot read %s: %s", self->path, error->message);
      forget_file (self);
      hs_source_view_show_message (self, message);
      return;
    }
  g_clear_object (&self->loading);

  /* One trailing newline ends the last line rather than starting an empty one. */
  if (length > 0 && contents[length - 1] == '\n')
    length--;
  /* Invalid bytes (and NULs) become U+FFFD: a GtkTextBuffer takes only valid UTF-8. */
  text = g_utf8_make_valid (contents, length);
  set_language (self, self->path);
  gtk_text_buffer_set_text (GTK_TEXT_BUFFER (self->buffer), text, -1);
  self->loaded = TRUE;
  update_breakpoint_marks (self);
  update_current_mark (self);
  update_header (self);
}

gboolean
hs_source_view_show (HsSourceView  *self,
                     const char    *path,
                     guint          line,
                     GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (HS_IS_SOURCE_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The same file: only the mark moves (or will, once the load in progress ends). */
  if (self->path != NULL && strcmp (self->path, path) == 0)
    {
      self->current_line = line;
      update_current_mark (self);
      show_page (self, TRUE);
      return TRUE;
    }

  file = g_file_new_for_path (path);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (info == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "cannot show %s: no such file",
                     path);
      else
        g_set_error (error, local_error->domain, local_error->code, "cannot show %s: %s", path,
                     local_error->message);
      return FALSE;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   "cannot show %s: not a regular file", path);
      return FALSE;
    }
  if (g_file_info_get_size (info) > MAX_FILE_SIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "cannot show %s: %" G_GINT64_FORMAT " MB is too big for a source file",
                   path, g_file_info_get_size (info) >> 20);
      return FALSE;
    }

  forget_file (self);
  self->path = g_strdup (path);
  self->current_line = line;
  self->loading = g_cancellable_new ();
  show_page (self, TRUE);
  g_file_load_contents_async (file, self->loading, load_done, g_object_ref (self));
  return TRUE;
}

void
hs_source_view_show_message (HsSourceView *self,
                             const char   *message)
{
  g_return_if_fail (HS_IS_SOURCE_VIEW (self));
  g_return_if_fail (message != NULL);

  /* A file still loading is not wanted any more; a loaded one stays cached for next time. */
  if (!self->loaded)
    forget_file (self);
  self->current_line = 0;
  remove_marks (self, CATEGORY_CURRENT);
  gtk_label_set_text (self->message, message);
  show_page (self, FALSE);
  /* A selectable label selects everything when it takes the focus; that hides the text. */
  gtk_label_select_region (self->message, 0, 0);
}

void
hs_source_view_set_breakpoint_lines (HsSourceView *self,
                                     const char   *path,
                                     const guint  *lines,
                                     guint         n_lines)
{
  g_return_if_fail (HS_IS_SOURCE_VIEW (self));
  g_return_if_fail (path != NULL);
  g_return_if_fail (lines != NULL || n_lines == 0);

  if (n_lines == 0)
    g_hash_table_remove (self->breakpoints, path);
  else
    {
      GArray *copy = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_lines);

      g_array_append_vals (copy, lines, n_lines);
      g_hash_table_replace (self->breakpoints, g_strdup (path), copy);
    }
  if (self->path != NULL && strcmp (self->path, path) == 0)
    update_breakpoint_marks (self);
}

const char *
hs_source_view_get_path (HsSourceView *self)
{
  g_return_val_if_fail (HS_IS_SOURCE_VIEW (self), NULL);

  return self->showing_source ? self->path : NULL;
}

guint
hs_source_view_get_current_line (HsSourceView *self)
{
  g_return_val_if_fail (HS_IS_SOURCE_VIEW (self), 0);

  return self->showing_source ? self->current_line : 0;
}

/* Whether the current line is on screen (for tests: a view that shows a file but not its
 * line has failed the user). */
gboolean
hs_source_view_current_line_visible (HsSourceView *self)
{
  GdkRectangle visible;
  GtkTextIter iter;
  int y, height;

  g_return_val_if_fail (HS_IS_SOURCE_VIEW (self), FALSE);

  if (!self->loaded || !line_start (self, self->current_line, &iter))
    return FALSE;
  gtk_text_view_get_visible_rect (GTK_TEXT_VIEW (self->view), &visible);
  gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (self->view), &iter, &y, &height);
  return visible.height > 0 && y >= visible.y && y + height <= visible.y + visible.height;
}

gboolean
hs_source_view_is_loading (HsSourceView *self)
{
  g_return_val_if_fail (HS_IS_SOURCE_VIEW (self), FALSE);

  return self->loading != NULL;
}

char *
hs_source_view_get_line_text (HsSourceView *self,
                              guint         line)
{
  GtkTextIter start, end;

  g_return_val_if_fail (HS_IS_SOURCE_VIEW (self), NULL);

  if (!self->loaded || !self->showing_source || !line_start (self, line, &start))
    return NULL;
  end = start;
  if (!gtk_text_iter_ends_line (&end))
    gtk_text_iter_forward_to_line_end (&end);
  return gtk_text_iter_get_text (&start, &end);
}

GArray *
hs_source_view_get_mark_lines (HsSourceView *self,
                               const char   *category)
{
  GArray *lines;
  int n;

  g_return_val_if_fail (HS_IS_SOURCE_VIEW (self), NULL);
  g_return_val_if_fail (category != NULL, NULL);

  lines = g_array_new (FALSE, FALSE, sizeof (guint));
  n = gtk_text_buffer_get_line_count (GTK_TEXT_BUFFER (self->buffer));
  for (int i = 0; i < n; i++)
    {
      g_autoptr(GSList) marks = gtk_source_buffer_get_source_marks_at_line (self->buffer, i,
                                                                            category);

      if (marks != NULL)
        {
          guint line = i + 1;

          g_array_append_val (lines, line);
        }
    }
  return lines;
}

const char *
hs_source_view_get_message (HsSourceView *self)
{
  g_return_val_if_fail (HS_IS_SOURCE_VIEW (self), NULL);

  return self->showing_source ? NULL : gtk_label_get_text (self->message);
}

/* ---- input ------------------------------------------------------------------------------ */

static void
request_toggle (HsSourceView *self,
                guint         line)
{
  g_autofree char *path = NULL;

  if (!self->loaded || !self->showing_source)
    return;
  /* A handler may show another file: emit with a copy. */
  path = g_strdup (self->path);
  g_signal_emit (self, signals[TOGGLE_BREAKPOINT], 0, path, line);
}

static void
on_line_mark_activated (GtkSourceView     *view,
                        const GtkTextIter *iter,
                        guint              button,
                        GdkModifierType    state,
                        int                n_presses,
                        HsSourceView      *self)
{
  /* The second press of a double click would undo the first. */
  if (button != GDK_BUTTON_PRIMARY || n_presses != 1)
    return;
  request_toggle (self, gtk_text_iter_get_line (iter) + 1);
}

static gboolean
toggle_at_cursor (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  HsSourceView *self = HS_SOURCE_VIEW (widget);
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (self->buffer);
  GtkTextIter iter;

  if (!self->loaded || !self->showing_source)
    return FALSE;
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  request_toggle (self, gtk_text_iter_get_line (&iter) + 1);
  return TRUE;
}

/* ---- GObject ---------------------------------------------------------------------------- */


/* ---- values under the pointer ------------------------------------------------------------- */

static gboolean
is_name_char (gunichar c)
{
  return g_unichar_isalnum (c) || c == '_';
}

/* The name under @at with the members it is reached through: "a.b->c" over c, "a.b" over b;
 * NULL over anything else (keywords, numbers, calls are left to the reader). */
static char *
expression_at (const GtkTextIter *at)
{
  static const char *const keywords[] = {
    "if", "else", "for", "while", "do", "return", "switch", "case", "default", "break",
    "continue", "goto", "sizeof", "struct", "union", "enum", "typedef", "static", "const",
    "volatile", "extern", "inline", "unsigned", "signed", "int", "long", "short", "char",
    "void", "bool", "true", "false", "NULL", NULL,
  };
  GtkTextIter start = *at, end = *at;
  g_autofree char *text = NULL;

  if (!is_name_char (gtk_text_iter_get_char (at)))
    return NULL;
  while (!gtk_text_iter_starts_line (&start))
    {
      GtkTextIter prev = start;

      gtk_text_iter_backward_char (&prev);
      if (!is_name_char (gtk_text_iter_get_char (&prev)))
        break;
      start = prev;
    }
  while (!gtk_text_iter_ends_line (&end) && is_name_char (gtk_text_iter_get_char (&end)))
    gtk_text_iter_forward_char (&end);
  if (g_unichar_isdigit (gtk_text_iter_get_char (&start)))
    return NULL;
  /* Leftwards over ".name" and "->name", so a member is shown as part of its struct. */
  for (;;)
    {
      GtkTextIter op = start, name;
      gunichar c;

      if (gtk_text_iter_starts_line (&op) || !gtk_text_iter_backward_char (&op))
        break;
      c = gtk_text_iter_get_char (&op);
      if (c == '>' && !gtk_text_iter_starts_line (&op))
        {
          GtkTextIter dash = op;

          gtk_text_iter_backward_char (&dash);
          if (gtk_text_iter_get_char (&dash) != '-')
            break;
          op = dash;
        }
      else if (c != '.')
        break;
      name = op;
      while (!gtk_text_iter_starts_line (&name))
        {
          GtkTextIter prev = name;

          gtk_text_iter_backward_char (&prev);
          if (!is_name_char (gtk_text_iter_get_char (&prev)))
            break;
          name = prev;
        }
      if (gtk_text_iter_equal (&name, &op) || g_unichar_isdigit (gtk_text_iter_get_char (&name)))
        break;
      start = name;
    }
  text = gtk_text_iter_get_slice (&start, &end);
  if (g_strv_contains (keywords, text))
    return NULL;
  return g_steal_pointer (&text);
}

typedef struct
{
  HsSourceView *self;           /* strong until the evaluation is back */
  char *expression;
  GCancellable *cancellable;
} HoverEval;

static void
hover_evaluated (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HoverEval *eval = user_data;
  HsSourceView *self = eval->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = hs_engine_evaluate_finish (HS_ENGINE (object), result, &error);

  /* Not cancelled: the target is still halted where it was asked. */
  if (!g_cancellable_is_cancelled (eval->cancellable) && self->values != NULL)
    {
      /* Locals and anything the symbols do not know show nothing rather than an error: the
       * stack view has the locals, and a hover should not shout. */
      g_hash_table_insert (self->values, g_strdup (eval->expression),
                           value ? g_strdup_printf ("%s = %s", eval->expression, value)
                                 : g_strdup (""));
      gtk_widget_trigger_tooltip_query (GTK_WIDGET (self->view));
    }
  if (self->evaluating == eval->cancellable)
    {
      g_clear_object (&self->evaluating);
      g_clear_pointer (&self->evaluating_expression, g_free);
    }
  g_object_unref (eval->cancellable);
  g_free (eval->expression);
  g_object_unref (eval->self);
  g_free (eval);
}

static const char *
query_value_at (HsSourceView      *self,
                const GtkTextIter *at)
{
  g_autofree char *expression = NULL;
  const char *text;
  HoverEval *eval;

  if (self->engine == NULL || !self->showing_source || !self->loaded
      || hs_engine_get_state (self->engine) != HS_ENGINE_STATE_HALTED)
    return NULL;
  expression = expression_at (at);
  if (expression == NULL)
    return NULL;
  text = g_hash_table_lookup (self->values, expression);
  if (text != NULL)
    return *text ? text : NULL;
  if (g_strcmp0 (self->evaluating_expression, expression) == 0)
    return NULL;
  /* One at a time: the pointer moved on, the old name's value is not wanted any more. */
  if (self->evaluating != NULL)
    g_cancellable_cancel (self->evaluating);
  g_clear_object (&self->evaluating);
  self->evaluating = g_cancellable_new ();
  g_free (self->evaluating_expression);
  self->evaluating_expression = g_strdup (expression);
  eval = g_new0 (HoverEval, 1);
  eval->self = g_object_ref (self);
  eval->expression = g_strdup (expression);
  eval->cancellable = g_object_ref (self->evaluating);
  /* Shallow: a tooltip is a glance, not Var.view. */
  hs_engine_evaluate_async (self->engine, self->machine, self->space, expression, 2, 16,
                            self->evaluating, hover_evaluated, eval);
  return NULL;
}

static gboolean
on_query_tooltip (GtkWidget    *widget,
                  int           x,
                  int           y,
                  gboolean      keyboard,
                  GtkTooltip   *tooltip,
                  HsSourceView *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (widget);
  GtkTextIter at;
  GdkRectangle rect;
  const char *text;
  int bx, by;

  if (keyboard)
    {
      gtk_text_buffer_get_iter_at_mark (GTK_TEXT_BUFFER (self->buffer), &at,
                                        gtk_text_buffer_get_insert (GTK_TEXT_BUFFER (self->buffer)));
    }
  else
    {
      gtk_text_view_window_to_buffer_coords (view, GTK_TEXT_WINDOW_WIDGET, x, y, &bx, &by);
      if (!gtk_text_view_get_iter_at_location (view, &at, bx, by))
        return FALSE;
      /* Past the end of a short line the nearest character is not under the pointer. */
      gtk_text_view_get_iter_location (view, &at, &rect);
      if (bx < rect.x || bx >= rect.x + MAX (rect.width, 1))
        return FALSE;
    }
  text = query_value_at (self, &at);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
forget_values (HsSourceView *self)
{
  if (self->evaluating != NULL)
    g_cancellable_cancel (self->evaluating);
  g_clear_object (&self->evaluating);
  g_clear_pointer (&self->evaluating_expression, g_free);
  if (self->values != NULL)
    g_hash_table_remove_all (self->values);
}

void
hs_source_view_set_evaluation (HsSourceView *self,
                               HsEngine     *engine,
                               guint         machine,
                               guint64       space)
{
  g_return_if_fail (HS_IS_SOURCE_VIEW (self));
  g_return_if_fail (engine == NULL || HS_IS_ENGINE (engine));

  if (self->engine != engine)
    {
      if (self->engine != NULL)
        g_signal_handlers_disconnect_by_func (self->engine, forget_values, self);
      g_set_object (&self->engine, engine);
      /* Values hold for one halt: the target moves when it runs. */
      if (engine != NULL)
        {
          g_signal_connect_object (engine, "resumed", G_CALLBACK (forget_values), self,
                                   G_CONNECT_SWAPPED);
          g_signal_connect_object (engine, "halted", G_CALLBACK (forget_values), self,
                                   G_CONNECT_SWAPPED);
        }
      forget_values (self);
    }
  if (self->machine != machine || self->space != space)
    {
      self->machine = machine;
      self->space = space;
      forget_values (self);
    }
}

const char *
hs_source_view_query_value (HsSourceView *self,
                            guint         line,
                            guint         column)
{
  GtkTextIter at;

  g_return_val_if_fail (HS_IS_SOURCE_VIEW (self), NULL);
  if (line == 0
      || !gtk_text_buffer_get_iter_at_line_offset (GTK_TEXT_BUFFER (self->buffer), &at,
                                                   line - 1, column))
    return NULL;
  return query_value_at (self, &at);
}

static void
hs_source_view_dispose (GObject *object)
{
  HsSourceView *self = HS_SOURCE_VIEW (object);

  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_clear_handle_id (&self->scroll_idle, g_source_remove);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->buffer);
  g_clear_pointer (&self->languages_kept, g_ptr_array_unref);
  g_clear_pointer (&self->breakpoints, g_hash_table_unref);
  g_clear_pointer (&self->path, g_free);
  forget_values (self);
  g_clear_pointer (&self->values, g_hash_table_unref);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (hs_source_view_parent_class)->dispose (object);
}

static void
hs_source_view_class_init (HsSourceViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = hs_source_view_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hs-source-view");
  gtk_widget_class_add_binding (widget_class, GDK_KEY_F9, 0, toggle_at_cursor, NULL);

  /**
   * HsSourceView::toggle-breakpoint:
   * @path: the file shown
   * @line: the 1-based line clicked in the gutter (or the cursor's, with F9)
   *
   * The user asked for a breakpoint at @line to be set or removed. The view changes nothing
   * itself: the owner does it and calls hs_source_view_set_breakpoint_lines().
   */
  signals[TOGGLE_BREAKPOINT] =
    g_signal_new ("toggle-breakpoint", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
}

static void
hs_source_view_init (HsSourceView *self)
{
  GtkSettings *settings = gtk_widget_get_settings (GTK_WIDGET (self));
  GtkWidget *scroller;

  self->breakpoints = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_array_unref);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  /* Long kernel paths: the end (file name and line) is what matters. */
  self->header = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->header, 0);
  gtk_label_set_ellipsize (self->header, PANGO_ELLIPSIZE_START);
  gtk_widget_add_css_class (GTK_WIDGET (self->header), "hs-pane-title");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->header));

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->stack));

  self->buffer = gtk_source_buffer_new (NULL);
  self->languages_kept = g_ptr_array_new_with_free_func (g_object_unref);
  /* Read-only text needs no undo history (which would hold a copy of every file). */
  gtk_text_buffer_set_enable_undo (GTK_TEXT_BUFFER (self->buffer), FALSE);
  gtk_source_buffer_set_highlight_matching_brackets (self->buffer, FALSE);
  self->view = GTK_SOURCE_VIEW (gtk_source_view_new_with_buffer (self->buffer));
  gtk_text_view_set_editable (GTK_TEXT_VIEW (self->view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (self->view), TRUE);
  gtk_source_view_set_show_line_numbers (self->view, TRUE);
  gtk_source_view_set_show_line_marks (self->view, TRUE);
  gtk_source_view_set_tab_width (self->view, 8);      /* kernel and Xen style */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Source code", -1);
  set_up_marks (self);
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->view), TRUE);
  g_signal_connect (self->view, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
  g_signal_connect (self->view, "line-mark-activated", G_CALLBACK (on_line_mark_activated),
                    self);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->view));
  gtk_stack_add_named (self->stack, scroller, "source");
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller)),
                           "changed", G_CALLBACK (on_vadjustment_changed), self,
                           G_CONNECT_SWAPPED);

  self->message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->message, TRUE);
  gtk_label_set_selectable (self->message, TRUE);   /* so the suggested command can be copied */
  gtk_label_set_max_width_chars (self->message, 80);
  gtk_widget_set_valign (GTK_WIDGET (self->message), GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (GTK_WIDGET (self->message), 24);
  gtk_widget_set_margin_end (GTK_WIDGET (self->message), 24);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->message), "message");

  update_style_scheme (self);
  g_signal_connect_object (settings, "notify::gtk-application-prefer-dark-theme",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "notify::gtk-theme-name",
                           G_CALLBACK (update_style_scheme), self, G_CONNECT_SWAPPED);
  show_page (self, FALSE);
}

GtkWidget *
hs_source_view_new (void)
{
  return g_object_new (HS_TYPE_SOURCE_VIEW, NULL);
}
