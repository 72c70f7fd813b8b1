/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-log-view.c: the kernel log of the machine in view.
 *
 * One row per line, kept across reads: a new read of the same machine drops the rows the ring
 * has lost at its front, appends the lines it has gained, and touches in between only a row
 * whose text or "new" mark changed, so the list keeps its place (GtkListView holds on to the
 * row at the top of the view) and only what changed is drawn again.
 *
 * GUI thread only: the log is read by the engine's worker (hs_engine_read_log_async()).
 */
#define G_LOG_DOMAIN "hs-log-view"

#include "config.h"

#include "hs-log-view.h"

/* ---- rows ------------------------------------------------------------------------------- */

#define HS_TYPE_LOG_ROW (hs_log_row_get_type ())
G_DECLARE_FINAL_TYPE (HsLogRow, hs_log_row, HS, LOG_ROW, GObject)

struct _HsLogRow
{
  GObject parent_instance;

  guint64 seq;                  /* with @part, where the line is in the log */
  guint part;
  gint level;                   /* -1: none (Xen's lines) */
  gboolean is_new;
  char *text;
};

G_DEFINE_FINAL_TYPE (HsLogRow, hs_log_row, G_TYPE_OBJECT)

static GParamSpec *row_changed_pspec;

static void
hs_log_row_finalize (GObject *object)
{
  g_free (HS_LOG_ROW (object)->text);
  G_OBJECT_CLASS (hs_log_row_parent_class)->finalize (object);
}

static void
hs_log_row_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  g_value_set_string (value, HS_LOG_ROW (object)->text);
}

static void
hs_log_row_class_init (HsLogRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hs_log_row_finalize;
  object_class->get_property = hs_log_row_get_property;
  /* One property to notify: a bound row redraws on any change. */
  row_changed_pspec = g_param_spec_string ("text", NULL, NULL, NULL,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property (object_class, 1, row_changed_pspec);
}

static void
hs_log_row_init (HsLogRow *self)
{
}

static HsLogRow *
hs_log_row_new (HsLog *log,
                guint  index)
{
  HsLogRow *row = g_object_new (HS_TYPE_LOG_ROW, NULL);
  const HsLogLine *line = hs_log_get_line (log, index);

  row->seq = line->seq;
  row->part = line->part;
  row->level = line->level;
  row->is_new = index >= hs_log_get_first_new (log);
  row->text = hs_log_format_line (log, index);
  return row;
}

/* @row becomes line @index of @log (the same line, read again). */
static void
hs_log_row_update (HsLogRow *row,
                   HsLog    *log,
                   guint     index)
{
  g_autofree char *text = hs_log_format_line (log, index);
  gboolean is_new = index >= hs_log_get_first_new (log);

  if (g_strcmp0 (text, row->text) == 0 && is_new == row->is_new)
    return;
  g_free (row->text);
  row->text = g_steal_pointer (&text);
  row->is_new = is_new;
  g_object_notify_by_pspec (G_OBJECT (row), row_changed_pspec);
}

static gint
compare_key (guint64 seq_a,
             guint   part_a,
             guint64 seq_b,
             guint   part_b)
{
  if (seq_a != seq_b)
    return seq_a < seq_b ? -1 : 1;
  return part_a < part_b ? -1 : part_a > part_b;
}

/* ---- view ------------------------------------------------------------------------------- */

struct _HsLogView
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *box;
  GtkLabel *title;
  GtkLabel *status_label;
  GtkScrolledWindow *scroller;
  GtkListView *list;

  /* Owned */
  HsEngine *engine;
  HsContext *context;
  GListStore *rows;             /* of HsLogRow, the lines of @log */
  HsLog *log;                   /* the log shown, or NULL */
  char *status;
  guint refresh_source;         /* the coalesced read, at low priority */
  GCancellable *reading;        /* the read under way */
  gboolean follow_end;          /* the list is scrolled to the end, and stays there as it grows */
  gboolean scrolling;           /* the view moves the list itself */
  guint scroll_source;          /* moving to the end, outside the list's layout */
};

G_DEFINE_FINAL_TYPE (HsLogView, hs_log_view, GTK_TYPE_WIDGET)

enum { UPDATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
set_status (HsLogView  *self,
            const char *status)
{
  g_free (self->status);
  self->status = g_strdup (status);
  gtk_label_set_text (self->status_label, status ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status != NULL && *status);
}

static void
update_title (HsLogView *self)
{
  g_autofree char *title = NULL;
  HsMachine *m;
  guint machine;
  gboolean running = hs_engine_get_state (self->engine) == HS_ENGINE_STATE_RUNNING;

  if (self->log == NULL)
    {
      gtk_label_set_text (self->title, running ? "Log · running" : "Log");
      return;
    }
  machine = hs_log_get_machine (self->log);
  m = hs_engine_get_machine (self->engine, machine);
  title = g_strdup_printf ("%s · machine %u%s%s%s · %u lines%s",
                           hs_log_is_hypervisor (self->log) ? "Xen's console" : "Kernel log",
                           machine, m ? " (" : "", m ? hs_machine_get_name (m) : "", m ? ")" : "",
                           hs_log_get_n_lines (self->log),
                           running ? " · running (as of the last halt)" : "");
  gtk_label_set_text (self->title, title);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title), hs_log_get_source (self->log));
}

static gboolean
at_bottom (HsLogView *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  return gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj)
         >= gtk_adjustment_get_upper (adj) - 2;
}

static gboolean
move_to_end (gpointer data)
{
  HsLogView *self = data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->scroll_source = 0;
  self->follow_end = TRUE;
  self->scrolling = TRUE;
  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj)
                                 - gtk_adjustment_get_page_size (adj));
  self->scrolling = FALSE;
  return G_SOURCE_REMOVE;
}

/* To the end, and again as the list's height settles (rows are measured as they are laid out,
 * after the model changed). Not from inside the list's layout, where the list view would not
 * follow its adjustment: from an idle. */
static void
scroll_to_end (HsLogView *self)
{
  self->follow_end = TRUE;
  if (self->scroll_source == 0)
    self->scroll_source = g_idle_add (move_to_end, self);
}

static void
on_adjustment_changed (HsLogView *self)
{
  if (self->follow_end)
    scroll_to_end (self);
}

/* The user scrolls: the view follows the end only while they leave it there. A list that is
 * not on screen (another tab is) moves only as its layout says, never because of the user. */
static void
on_value_changed (HsLogView *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  if (!self->scrolling && gtk_widget_get_mapped (GTK_WIDGET (self->list))
      && gtk_adjustment_get_page_size (adj) > 0)
    self->follow_end = at_bottom (self);
}

/* Shown again (its tab picked): where it was, or at the end if it follows it. */
static void
on_map (HsLogView *self)
{
  if (self->follow_end)
    scroll_to_end (self);
}

/* Rows [from, end) become lines [line, ...) of @log, in one splice. */
static void
replace_rows (HsLogView *self,
              guint      from,
              guint      line)
{
  guint n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  guint n_lines = hs_log_get_n_lines (self->log);
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = line; i < n_lines; i++)
    g_ptr_array_add (added, hs_log_row_new (self->log, i));
  g_list_store_splice (self->rows, from, n_rows - from, added->pdata, added->len);
}

void
hs_log_view_show_log (HsLogView *self,
                      HsLog     *log)
{
  gboolean same_machine, follow;
  guint n_rows, n_lines, front = 0, k = 0;

  g_return_if_fail (HS_IS_LOG_VIEW (self));
  g_return_if_fail (log != NULL);

  same_machine = self->log != NULL && hs_log_get_machine (self->log) == hs_log_get_machine (log);
  follow = !same_machine || self->follow_end;
  g_clear_pointer (&self->log, hs_log_unref);
  self->log = hs_log_ref (log);
  n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  n_lines = hs_log_get_n_lines (log);

  if (!same_machine || n_lines == 0)
    replace_rows (self, 0, 0);
  else
    {
      const HsLogLine *first = hs_log_get_line (log, 0);

      /* What the ring lost at its front since. */
      while (front < n_rows)
        {
          g_autoptr(HsLogRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), front);

          if (compare_key (row->seq, row->part, first->seq, first->part) >= 0)
            break;
          front++;
        }
      if (front > 0)
        g_list_store_splice (self->rows, 0, front, NULL, 0);
      n_rows -= front;
      /* The lines both have, in place; a row that is not the same line ends the common part
       * (another log: the guest rebooted). */
      for (k = 0; k < n_rows && k < n_lines; k++)
        {
          g_autoptr(HsLogRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), k);
          const HsLogLine *line = hs_log_get_line (log, k);

          if (compare_key (row->seq, row->part, line->seq, line->part) != 0)
            break;
          hs_log_row_update (row, log, k);
        }
      /* Then what the log gained (or the rest of another log). */
      replace_rows (self, k, k);
    }

  set_status (self, hs_log_get_warning (log));
  update_title (self);
  if (follow)
    scroll_to_end (self);
}

static void
log_read (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(HsLogView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(HsLog) log = hs_engine_read_log_finish (HS_ENGINE (object), result, &error);

  if (log == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_status (self, error->message);
    }
  else
    hs_log_view_show_log (self, log);
  g_clear_object (&self->reading);
  g_signal_emit (self, signals[UPDATED], 0);
}

static gboolean
refresh (gpointer data)
{
  HsLogView *self = data;

  self->refresh_source = 0;
  if (hs_engine_get_state (self->engine) != HS_ENGINE_STATE_HALTED)
    return G_SOURCE_REMOVE;
  if (self->reading != NULL)
    g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  self->reading = g_cancellable_new ();
  hs_engine_read_log_async (self->engine, hs_context_get_machine (self->context), self->reading,
                            log_read, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* One read for however many reasons came together (a halt, then its frame's machine). */
static void
schedule_refresh (HsLogView *self)
{
  if (self->refresh_source == 0)
    self->refresh_source = g_idle_add_full (G_PRIORITY_LOW, refresh, self, NULL);
}

static void
on_resumed (HsLogView *self)
{
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->reading != NULL)
    g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  update_title (self);
}

static void
on_context_frame (HsLogView *self)
{
  if (self->log == NULL || hs_log_get_machine (self->log) != hs_context_get_machine (self->context))
    schedule_refresh (self);
}

/* ---- rows on screen --------------------------------------------------------------------- */

static void
show_row (GtkInscription *label,
          HsLogRow       *row)
{
  gtk_inscription_set_text (label, row->text);
  if (row->is_new)
    gtk_widget_add_css_class (GTK_WIDGET (label), "hs-log-new");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "hs-log-new");
  /* KERN_ERR and worse; KERN_WARNING. */
  if (row->level >= 0 && row->level <= 3)
    gtk_widget_add_css_class (GTK_WIDGET (label), "hs-log-error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "hs-log-error");
  if (row->level == 4)
    gtk_widget_add_css_class (GTK_WIDGET (label), "hs-log-warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), "hs-log-warning");
}

static void
on_row_changed (HsLogRow       *row,
                GParamSpec     *pspec,
                GtkInscription *label)
{
  show_row (label, row);
}

static void
on_setup (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  data)
{
  GtkWidget *label = gtk_inscription_new (NULL);

  gtk_inscription_set_min_chars (GTK_INSCRIPTION (label), 20);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (label), 160);
  gtk_widget_add_css_class (label, "hs-mono");
  gtk_widget_set_hexpand (label, TRUE);
  gtk_list_item_set_child (item, label);
}

static void
on_bind (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  data)
{
  HsLogRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);

  show_row (GTK_INSCRIPTION (label), row);
  g_signal_connect_object (row, "notify", G_CALLBACK (on_row_changed), label, 0);
}

static void
on_unbind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  data)
{
  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (item), on_row_changed,
                                        gtk_list_item_get_child (item));
}

/* ---- public ----------------------------------------------------------------------------- */

GtkWidget *
hs_log_view_new (HsEngine  *engine,
                 HsContext *context)
{
  HsLogView *self;

  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (HS_IS_CONTEXT (context), NULL);

  self = g_object_new (HS_TYPE_LOG_VIEW, NULL);
  self->engine = g_object_ref (engine);
  self->context = g_object_ref (context);
  g_signal_connect_object (engine, "halted", G_CALLBACK (schedule_refresh), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "resumed", G_CALLBACK (on_resumed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "notify::frame", G_CALLBACK (on_context_frame), self,
                           G_CONNECT_SWAPPED);
  if (hs_engine_get_state (engine) == HS_ENGINE_STATE_HALTED)
    schedule_refresh (self);
  return GTK_WIDGET (self);
}

HsLog *
hs_log_view_get_log (HsLogView *self)
{
  g_return_val_if_fail (HS_IS_LOG_VIEW (self), NULL);
  return self->log;
}

guint
hs_log_view_get_n_lines (HsLogView *self)
{
  g_return_val_if_fail (HS_IS_LOG_VIEW (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->rows));
}

char *
hs_log_view_get_line_text (HsLogView *self,
                           guint      index)
{
  g_autoptr(HsLogRow) row = NULL;

  g_return_val_if_fail (HS_IS_LOG_VIEW (self), NULL);
  row = g_list_model_get_item (G_LIST_MODEL (self->rows), index);
  return row ? g_strdup (row->text) : NULL;
}

gboolean
hs_log_view_is_line_new (HsLogView *self,
                         guint      index)
{
  g_autoptr(HsLogRow) row = NULL;

  g_return_val_if_fail (HS_IS_LOG_VIEW (self), FALSE);
  row = g_list_model_get_item (G_LIST_MODEL (self->rows), index);
  return row ? row->is_new : FALSE;
}

const char *
hs_log_view_get_status (HsLogView *self)
{
  g_return_val_if_fail (HS_IS_LOG_VIEW (self), NULL);
  return self->status;
}

GtkAdjustment *
hs_log_view_get_vadjustment (HsLogView *self)
{
  g_return_val_if_fail (HS_IS_LOG_VIEW (self), NULL);
  return gtk_scrolled_window_get_vadjustment (self->scroller);
}

static void
hs_log_view_dispose (GObject *object)
{
  HsLogView *self = HS_LOG_VIEW (object);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  g_clear_handle_id (&self->scroll_source, g_source_remove);
  if (self->reading != NULL)
    g_cancellable_cancel (self->reading);
  g_clear_object (&self->reading);
  gtk_widget_dispose_template (GTK_WIDGET (self), HS_TYPE_LOG_VIEW);
  g_clear_object (&self->rows);
  g_clear_pointer (&self->log, hs_log_unref);
  g_clear_object (&self->context);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (hs_log_view_parent_class)->dispose (object);
}

static void
hs_log_view_finalize (GObject *object)
{
  g_free (HS_LOG_VIEW (object)->status);
  G_OBJECT_CLASS (hs_log_view_parent_class)->finalize (object);
}

static void
hs_log_view_class_init (HsLogViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_log_view_dispose;
  object_class->finalize = hs_log_view_finalize;

  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/hyperscope/Hyperscope/ui/hs-log-view.ui");
  gtk_widget_class_bind_template_child (widget_class, HsLogView, box);
  gtk_widget_class_bind_template_child (widget_class, HsLogView, title);
  gtk_widget_class_bind_template_child (widget_class, HsLogView, status_label);
  gtk_widget_class_bind_template_child (widget_class, HsLogView, scroller);
  gtk_widget_class_bind_template_child (widget_class, HsLogView, list);
  gtk_widget_class_bind_template_callback (widget_class, on_setup);
  gtk_widget_class_bind_template_callback (widget_class, on_bind);
  gtk_widget_class_bind_template_callback (widget_class, on_unbind);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hs-log-view");
}

static void
hs_log_view_init (HsLogView *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->follow_end = TRUE;
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "changed",
                           G_CALLBACK (on_adjustment_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (on_value_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "map", G_CALLBACK (on_map), self, G_CONNECT_SWAPPED);
  self->rows = g_list_store_new (HS_TYPE_LOG_ROW);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->rows)));
  gtk_list_view_set_model (self->list, GTK_SELECTION_MODEL (selection));
}
