/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-command-line.c: the command line and its output.
 *
 * Toolbar buttons and shortcuts run their commands through here too, so the
 * output shows what was done whichever way it was asked for.
 *
 * The output gathers what is appended and shows it FLUSH_DELAY_MS after the
 * first of it, all at once. A Break's echo, or its output at the halt, shown
 * at once would be a frame of its own just before the halt's views are in,
 * and the frame clock then holds their frame back by a refresh interval.
 * GUI thread only.
 */
#define G_LOG_DOMAIN "hs-command-line"

#include "config.h"

#include "hs-command-line.h"
#include "hs-text-jump.h"

#include <string.h>

/* The output is a log, not a document: old lines go. */
#define MAX_OUTPUT_LINES 5000
#define MAX_HISTORY      500
/* Under what a user perceives as a delay. */
#define FLUSH_DELAY_MS   80

typedef struct
{
  char *text;
  GtkTextTag *tag;              /* unowned: the buffer's tag table keeps it */
} Segment;

struct _HsCommandLine
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkScrolledWindow *scroller;
  GtkTextView *output;
  GtkEntry *entry;
  GtkWidget *script_bar;
  GtkLabel *script_label;
  GtkProgressBar *script_progress;
  GtkButton *script_continue;
  GtkButton *script_stop;

  /* Owned */
  HsInterp *interp;
  GQueue history;               /* of char*, newest last */
  GQueue pending;               /* of char*: lines waiting for the running one */
  GtkTextTag *error_tag;
  GtkTextTag *echo_tag;
  GtkTextTag *event_tag;
  GtkTextMark *end_mark;

  GQueue unshown;               /* of Segment*: appended, not in the buffer yet */
  guint flush_source;

  GList *history_pos;           /* NULL when not browsing */
  gboolean busy;
  GCancellable *running;        /* the running command's, while busy */
};

G_DEFINE_FINAL_TYPE (HsCommandLine, hs_command_line, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_INTERP,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void run_next (HsCommandLine *self);

static void
show_script_bar (HsCommandLine *self,
                 const char    *file,
                 const char    *where,
                 guint          line,
                 guint          n_lines,
                 gboolean       stopped)
{
  g_autofree char *base = g_path_get_basename (file);
  g_autofree char *text = g_strdup_printf ("%s: %s", base, where);

  gtk_label_set_text (self->script_label, text);
  gtk_progress_bar_set_fraction (self->script_progress,
                                 n_lines > 0 ? MIN (1.0, (double) line / n_lines) : 0.0);
  gtk_widget_set_visible (GTK_WIDGET (self->script_continue), stopped);
  gtk_button_set_label (self->script_stop, stopped ? "End" : "Stop");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->script_stop),
                               stopped ? "End the stopped script (END)"
                                       : "Stop the script (Escape)");
  gtk_widget_set_visible (self->script_bar, TRUE);
}

/* Between commands, the bar says whether a script waits at a STOP, and offers to resume it. */
static void
show_stopped_script (HsCommandLine *self)
{
  guint line, n_lines;
  const char *file;
  g_autofree char *where = NULL;

  if (self->busy)
    return;
  file = hs_interp_get_stopped_script (self->interp, &line, &n_lines);
  if (file == NULL)
    {
      gtk_widget_set_visible (self->script_bar, FALSE);
      return;
    }
  where = g_strdup_printf ("stopped at line %u of %u", line, n_lines);
  show_script_bar (self, file, where, line, n_lines, TRUE);
}

static void
segment_free (gpointer data)
{
  Segment *segment = data;

  g_free (segment->text);
  g_free (segment);
}

/* Everything appended since the last flush goes in at once, with one scroll. */
static void
flush_output (HsCommandLine *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->output);
  GtkTextIter end;
  Segment *segment;
  int lines;

  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->unshown.length == 0)
    return;
  while ((segment = g_queue_pop_head (&self->unshown)) != NULL)
    {
      gtk_text_buffer_get_end_iter (buffer, &end);
      if (segment->tag)
        gtk_text_buffer_insert_with_tags (buffer, &end, segment->text, -1, segment->tag, NULL);
      else
        gtk_text_buffer_insert (buffer, &end, segment->text, -1);
      segment_free (segment);
    }

  lines = gtk_text_buffer_get_line_count (buffer);
  if (lines > MAX_OUTPUT_LINES)
    {
      GtkTextIter start, cut;

      gtk_text_buffer_get_start_iter (buffer, &start);
      gtk_text_buffer_get_iter_at_line (buffer, &cut, lines - MAX_OUTPUT_LINES);
      gtk_text_buffer_delete (buffer, &start, &cut);
    }
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_move_mark (buffer, self->end_mark, &end);
  hs_text_view_jump_to_mark (self->output, self->end_mark, 0.0, FALSE, 0.0);
}

static gboolean
flush_later (gpointer user_data)
{
  HsCommandLine *self = user_data;

  self->flush_source = 0;
  flush_output (self);
  return G_SOURCE_REMOVE;
}

static void
append_with_tag (HsCommandLine *self,
                 const char    *text,
                 GtkTextTag    *tag)
{
  Segment *segment = g_new (Segment, 1);

  segment->text = g_strdup (text);
  segment->tag = tag;
  g_queue_push_tail (&self->unshown, segment);
  if (self->flush_source == 0)
    self->flush_source = g_timeout_add (FLUSH_DELAY_MS, flush_later, self);
}

void
hs_command_line_append (HsCommandLine *self,
                        const char    *text,
                        gboolean       is_error)
{
  g_autofree char *line = NULL;

  g_return_if_fail (HS_IS_COMMAND_LINE (self));

  line = g_str_has_suffix (text, "\n") ? g_strdup (text) : g_strconcat (text, "\n", NULL);
  append_with_tag (self, line, is_error ? self->error_tag : NULL);
}

static void
set_busy (HsCommandLine *self,
          gboolean       busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
execute_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(HsCommandLine) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = hs_interp_execute_finish (HS_INTERP (object), result, &error);

  if (output == NULL)
    hs_command_line_append (self, error->message, TRUE);
  else if (*output)
    append_with_tag (self, output, NULL);
  g_clear_object (&self->running);
  set_busy (self, FALSE);
  show_stopped_script (self);
  run_next (self);
}

/* A DO shows where its script is, and can be stopped from here. */
static void
on_script_progress (HsCommandLine *self,
                    const char    *file,
                    guint          line,
                    guint          n_lines)
{
  g_autofree char *where = line > 0 ? g_strdup_printf ("line %u of %u", line, n_lines)
                                    : g_strdup ("starting");

  if (!self->busy)
    return;
  show_script_bar (self, file, where, line, n_lines, FALSE);
}

const char *
hs_command_line_get_script_status (HsCommandLine *self)
{
  g_return_val_if_fail (HS_IS_COMMAND_LINE (self), NULL);
  return gtk_widget_get_visible (self->script_bar) ? gtk_label_get_text (self->script_label)
                                                   : NULL;
}

static void
on_printed (HsCommandLine *self,
            const char    *text)
{
  append_with_tag (self, text, NULL);
}

static void
run_next (HsCommandLine *self)
{
  g_autofree char *line = NULL;
  g_autofree char *echo = NULL;

  if (self->busy || self->pending.length == 0)
    return;
  line = g_queue_pop_head (&self->pending);
  echo = g_strdup_printf ("> %s\n", line);
  append_with_tag (self, echo, self->echo_tag);
  set_busy (self, TRUE);
  g_clear_object (&self->running);
  self->running = g_cancellable_new ();
  hs_interp_execute_async (self->interp, line, self->running, execute_done,
                           g_object_ref (self));
}

/* The bar's second button: Stop while a script runs, End while one waits at a STOP (queued
 * behind a command typed meanwhile, as Continue is). */
static void
on_script_stop_clicked (HsCommandLine *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->script_continue)))
    hs_command_line_execute (self, "END");
  else
    hs_command_line_cancel (self);
}

static void
on_script_continue_clicked (HsCommandLine *self)
{
  hs_command_line_execute (self, "CONTinue");
}

/* Stops waiting for the running command (a Break on a busy host, a WAIT) and drops the lines
 * queued behind it. */
void
hs_command_line_cancel (HsCommandLine *self)
{
  g_return_if_fail (HS_IS_COMMAND_LINE (self));

  while (self->pending.length > 0)
    g_free (g_queue_pop_head (&self->pending));
  if (self->running != NULL)
    g_cancellable_cancel (self->running);
}

static void
remember (HsCommandLine *self,
          const char    *line)
{
  const char *last = self->history.tail ? self->history.tail->data : NULL;

  self->history_pos = NULL;
  if (*line == 0 || g_strcmp0 (last, line) == 0)
    return;
  g_queue_push_tail (&self->history, g_strdup (line));
  while (self->history.length > MAX_HISTORY)
    g_free (g_queue_pop_head (&self->history));
}

/* Commands queue behind a running one (a WAIT, say) rather than being refused. */
void
hs_command_line_execute (HsCommandLine *self,
                         const char    *line)
{
  g_return_if_fail (HS_IS_COMMAND_LINE (self));
  g_return_if_fail (line != NULL);

  remember (self, line);
  g_queue_push_tail (&self->pending, g_strdup (line));
  run_next (self);
}

static void
on_entry_activate (HsCommandLine *self)
{
  g_autofree char *line = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry)));

  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  hs_command_line_execute (self, g_strstrip (line));
}

static void
show_history (HsCommandLine *self)
{
  const char *text = self->history_pos ? self->history_pos->data : "";

  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
}

/* The longest start all of @names share. */
static gsize
common_prefix (GStrv names)
{
  gsize n = strlen (names[0]);

  for (guint i = 1; names[i]; i++)
    {
      gsize k = 0;

      while (k < n && names[i][k] == names[0][k])
        k++;
      n = k;
    }
  return n;
}

/* Tab after the command word completes a function name in the machine the word names
 * ("2:::do_nano") or the current one. */
static void
complete_symbol (HsCommandLine *self,
                 const char    *text)
{
  HsEngine *engine = hs_interp_get_engine (self->interp);
  const char *word = strrchr (text, ' ') + 1;
  const char *name = word;
  const char *sep = strstr (word, ":::");
  guint machine = hs_engine_get_current_machine (engine);
  g_auto(GStrv) names = NULL;
  g_autofree char *head = NULL;

  if (sep != NULL)
    {
      char *end;
      guint64 m = g_ascii_strtoull (word, &end, 10);

      if (end != sep || m > G_MAXUINT)
        return;
      machine = (guint) m;
      name = sep + 3;
    }
  if (strlen (name) < 2 || strchr (name, ':') != NULL || name[0] == '/')
    return;
  names = hs_engine_complete_function (engine, machine, name, 200);
  if (names[0] == NULL)
    return;
  head = g_strndup (text, name - text);
  if (names[1] == NULL)
    {
      g_autofree char *full = g_strconcat (head, names[0], " ", NULL);

      gtk_editable_set_text (GTK_EDITABLE (self->entry), full);
    }
  else
    {
      g_autofree char *prefix = g_strndup (names[0], common_prefix (names));
      g_autofree char *full = g_strconcat (head, prefix, NULL);
      g_autofree char *joined = NULL;
      guint n = g_strv_length (names);

      if (n > 20)
        {
          g_free (names[20]);
          names[20] = NULL;
        }
      joined = g_strjoinv ("  ", names);
      if (n > 20)
        {
          char *more = g_strdup_printf ("%s  … (%s%u)", joined, n >= 200 ? "at least " : "", n);

          g_free (joined);
          joined = more;
        }
      hs_command_line_append (self, joined, FALSE);
      gtk_editable_set_text (GTK_EDITABLE (self->entry), full);
    }
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
}

/* Tab completes the command word from the interpreter's table, then symbols. */
static void
complete (HsCommandLine *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_auto(GStrv) matches = NULL;

  if (*text == 0)
    return;
  if (strchr (text, ' ') != NULL)
    {
      complete_symbol (self, text);
      return;
    }
  matches = hs_interp_complete (self->interp, text);
  if (matches[0] == NULL)
    return;
  if (matches[1] == NULL)
    {
      g_autofree char *full = g_strconcat (matches[0], " ", NULL);

      gtk_editable_set_text (GTK_EDITABLE (self->entry), full);
      gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
      return;
    }
  {
    g_autofree char *joined = g_strjoinv ("  ", matches);

    hs_command_line_append (self, joined, FALSE);
  }
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                HsCommandLine         *self)
{
  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      if (self->history.length == 0)
        return TRUE;
      self->history_pos = self->history_pos ? (self->history_pos->prev ? self->history_pos->prev
                                                                       : self->history_pos)
                                            : self->history.tail;
      show_history (self);
      return TRUE;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      if (self->history_pos)
        self->history_pos = self->history_pos->next;
      show_history (self);
      return TRUE;
    case GDK_KEY_Tab:
      complete (self);
      return TRUE;
    case GDK_KEY_Escape:
      /* Stops a running script or a command that waits, as the Stop button does. */
      if (!self->busy)
        return FALSE;
      hs_command_line_cancel (self);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_halted (HsCommandLine *self,
           HsCore        *core,
           int            reason)
{
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;

  /* A command's own stop is in its output already. */
  if (self->busy)
    return;
  text = hs_core_describe (core);
  line = g_strdup_printf ("● stopped (%s): %s\n", hs_stop_reason_to_string (reason), text);
  append_with_tag (self, line, self->event_tag);
}

static void
on_detached (HsCommandLine *self,
             const GError  *error)
{
  g_autofree char *line = NULL;

  if (error == NULL)
    line = g_strdup ("● detached from the target\n");
  else
    line = g_strdup_printf ("● %s\n  (the session is kept: SYStem.Attach HOST:PORT reconnects)\n",
                            error->message);
  append_with_tag (self, line, error ? self->error_tag : self->event_tag);
}

char *
hs_command_line_complete (HsCommandLine *self,
                          const char    *text)
{
  g_return_val_if_fail (HS_IS_COMMAND_LINE (self), NULL);

  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  complete (self);
  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry)));
}

char *
hs_command_line_get_output (HsCommandLine *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (HS_IS_COMMAND_LINE (self), NULL);
  flush_output (self);
  buffer = gtk_text_view_get_buffer (self->output);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

gboolean
hs_command_line_is_busy (HsCommandLine *self)
{
  g_return_val_if_fail (HS_IS_COMMAND_LINE (self), FALSE);
  return self->busy || self->pending.length > 0;
}

void
hs_command_line_focus_entry (HsCommandLine *self)
{
  g_return_if_fail (HS_IS_COMMAND_LINE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static void
hs_command_line_constructed (GObject *object)
{
  HsCommandLine *self = HS_COMMAND_LINE (object);
  HsEngine *engine;

  G_OBJECT_CLASS (hs_command_line_parent_class)->constructed (object);

  g_return_if_fail (HS_IS_INTERP (self->interp));
  engine = hs_interp_get_engine (self->interp);
  g_signal_connect_object (engine, "halted", G_CALLBACK (on_halted), self, G_CONNECT_SWAPPED);
  /* What a script prints shows as it prints it, not when the script ends. */
  hs_interp_set_streaming (self->interp, TRUE);
  g_signal_connect_object (self->interp, "printed", G_CALLBACK (on_printed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->interp, "script-progress", G_CALLBACK (on_script_progress),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->interp, "notify::script-stopped",
                           G_CALLBACK (show_stopped_script), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "detached", G_CALLBACK (on_detached), self,
                           G_CONNECT_SWAPPED);
}

static void
hs_command_line_dispose (GObject *object)
{
  HsCommandLine *self = HS_COMMAND_LINE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_COMMAND_LINE);
  /* The template's root box is not a bound child, so it is not unparented for us. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_queue_clear_full (&self->history, g_free);
  g_queue_clear_full (&self->pending, g_free);
  g_queue_clear_full (&self->unshown, segment_free);
  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (self->running != NULL)
    g_cancellable_cancel (self->running);
  g_clear_object (&self->running);
  self->history_pos = NULL;
  g_clear_object (&self->interp);
  G_OBJECT_CLASS (hs_command_line_parent_class)->dispose (object);
}

static void
hs_command_line_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HsCommandLine *self = HS_COMMAND_LINE (object);

  switch (prop_id)
    {
    case PROP_INTERP:
      g_value_set_object (value, self->interp);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_command_line_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HsCommandLine *self = HS_COMMAND_LINE (object);

  switch (prop_id)
    {
    case PROP_INTERP:
      self->interp = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hs_command_line_class_init (HsCommandLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = hs_command_line_constructed;
  object_class->dispose = hs_command_line_dispose;
  object_class->get_property = hs_command_line_get_property;
  object_class->set_property = hs_command_line_set_property;

  properties[PROP_INTERP] =
    g_param_spec_object ("interp", NULL, NULL, HS_TYPE_INTERP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/hyperscope/Hyperscope/ui/hs-command-line.ui");
  gtk_widget_class_bind_template_child (widget_class, HsCommandLine, scroller);
  gtk_widget_class_bind_template_child (widget_class, HsCommandLine, output);
  gtk_widget_class_bind_template_child (widget_class, HsCommandLine, entry);
  gtk_widget_class_bind_template_child (widget_class, HsCommandLine, script_bar);
  gtk_widget_class_bind_template_child (widget_class, HsCommandLine, script_label);
  gtk_widget_class_bind_template_child (widget_class, HsCommandLine, script_progress);
  gtk_widget_class_bind_template_child (widget_class, HsCommandLine, script_continue);
  gtk_widget_class_bind_template_child (widget_class, HsCommandLine, script_stop);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hs-command-line");
}

static void
hs_command_line_init (HsCommandLine *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter end;
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_queue_init (&self->history);
  g_queue_init (&self->pending);
  g_queue_init (&self->unshown);

  buffer = gtk_text_view_get_buffer (self->output);
  self->error_tag = gtk_text_buffer_create_tag (buffer, "error", "foreground", "#c01c28", NULL);
  self->echo_tag = gtk_text_buffer_create_tag (buffer, "echo", "weight", 700, NULL);
  self->event_tag = gtk_text_buffer_create_tag (buffer, "event", "foreground", "#1a5fb4", NULL);
  gtk_text_buffer_get_end_iter (buffer, &end);
  self->end_mark = gtk_text_buffer_create_mark (buffer, "end", &end, FALSE);

  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (on_entry_activate), self);
  g_signal_connect_swapped (self->script_stop, "clicked", G_CALLBACK (on_script_stop_clicked),
                            self);
  g_signal_connect_swapped (self->script_continue, "clicked",
                            G_CALLBACK (on_script_continue_clicked), self);
  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);
}

GtkWidget *
hs_command_line_new (HsInterp *interp)
{
  g_return_val_if_fail (HS_IS_INTERP (interp), NULL);
  return g_object_new (HS_TYPE_COMMAND_LINE, "interp", interp, NULL);
}
