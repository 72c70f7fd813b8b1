/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-frame-view.c: the current context's call stack.
 *
 * Frames are unwound on the engine's worker; the rows here are reused by
 * level, so a halt that leaves the top of the stack as it was redraws only
 * the frames that differ.
 */
#define G_LOG_DOMAIN "hs-frame-view"

#include "config.h"

#include "hs-frame-view.h"

#include "hs-table.h"

/* ---- rows ------------------------------------------------------------------------------- */

#define HS_TYPE_FRAME_ROW (hs_frame_row_get_type ())
G_DECLARE_FINAL_TYPE (HsFrameRow, hs_frame_row, HS, FRAME_ROW, GObject)

enum { COL_LEVEL, COL_FUNCTION, COL_SOURCE, COL_PC, N_COLS };

struct _HsFrameRow
{
  GObject parent_instance;
  char *text[N_COLS];
};

G_DEFINE_FINAL_TYPE (HsFrameRow, hs_frame_row, G_TYPE_OBJECT)

static GParamSpec *row_text_pspec;

static void
hs_frame_row_finalize (GObject *object)
{
  HsFrameRow *self = HS_FRAME_ROW (object);

  for (guint i = 0; i < N_COLS; i++)
    g_free (self->text[i]);
  G_OBJECT_CLASS (hs_frame_row_parent_class)->finalize (object);
}

static void
hs_frame_row_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  g_value_set_string (value, HS_FRAME_ROW (object)->text[COL_FUNCTION]);
}

static void
hs_frame_row_class_init (HsFrameRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hs_frame_row_finalize;
  object_class->get_property = hs_frame_row_get_property;
  /* One property to notify: the table recomputes a row's cells on any notification. */
  row_text_pspec = g_param_spec_string ("text", NULL, NULL, NULL,
                                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property (object_class, 1, row_text_pspec);
}

static void
hs_frame_row_init (HsFrameRow *self)
{
}

static void
hs_frame_row_set (HsFrameRow  *self,
                  char       **text)
{
  gboolean changed = FALSE;

  for (guint i = 0; i < N_COLS; i++)
    {
      if (g_strcmp0 (self->text[i], text[i]) == 0)
        {
          g_free (text[i]);
          continue;
        }
      g_free (self->text[i]);
      self->text[i] = text[i];
      changed = TRUE;
    }
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), row_text_pspec);
}

/* ---- view ------------------------------------------------------------------------------- */

struct _HsFrameView
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkLabel *title;
  GtkLabel *status_label;
  HsTable *table;
  GtkSingleSelection *selection;

  HsEngine *engine;
  GListStore *rows;
  GArray *frames;               /* of HsFrame */
  guint machine;
  char *status;
  GCancellable *fetching;
};

G_DEFINE_FINAL_TYPE (HsFrameView, hs_frame_view, GTK_TYPE_WIDGET)

enum { FRAME_SELECTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
set_status (HsFrameView *self,
            const char  *status)
{
  g_free (self->status);
  self->status = g_strdup (status);
  gtk_label_set_text (self->status_label, status ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status != NULL && *status);
}

static void
emit_selected (HsFrameView *self)
{
  guint pos = gtk_single_selection_get_selected (self->selection);

  if (self->frames == NULL || pos >= self->frames->len)
    return;
  g_signal_emit (self, signals[FRAME_SELECTED], 0, &g_array_index (self->frames, HsFrame, pos),
                 self->machine);
}

static void
show_frames (HsFrameView *self,
             GArray      *frames,
             guint        machine)
{
  guint n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->rows));

  g_clear_pointer (&self->frames, g_array_unref);
  self->frames = frames;
  self->machine = machine;
  for (guint i = 0; i < frames->len; i++)
    {
      const HsFrame *f = &g_array_index (frames, HsFrame, i);
      char *text[N_COLS];

      text[COL_LEVEL] = g_strdup_printf ("#%u", f->level);
      text[COL_FUNCTION] = f->function
        ? g_strdup_printf ("%s+0x%" G_GINT64_MODIFIER "x", f->function, f->offset)
        : g_strdup ("??");
      text[COL_SOURCE] = f->file ? g_strdup_printf ("%s:%u", f->file, f->line) : g_strdup ("");
      text[COL_PC] = g_strdup_printf ("%u:::0x%016" G_GINT64_MODIFIER "x", machine, f->pc);
      if (i < n_rows)
        {
          g_autoptr(HsFrameRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

          hs_frame_row_set (row, text);
        }
      else
        {
          g_autoptr(HsFrameRow) row = g_object_new (HS_TYPE_FRAME_ROW, NULL);

          hs_frame_row_set (row, text);
          g_list_store_append (self->rows, row);
        }
    }
  if (n_rows > frames->len)
    g_list_store_splice (self->rows, frames->len, n_rows - frames->len, NULL, 0);
  /* The top of the stack is where the context is. */
  if (frames->len > 0)
    {
      if (gtk_single_selection_get_selected (self->selection) == 0)
        emit_selected (self);
      else
        gtk_single_selection_set_selected (self->selection, 0);
    }
}

static void
frames_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HsFrameView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *stop = NULL;
  GArray *frames = hs_engine_task_frames_finish (HS_ENGINE (object), result, &stop, &error);
  HsTask *task = hs_engine_get_current_task (self->engine);

  if (frames == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_status (self, error->message);
          g_list_store_remove_all (self->rows);
          g_clear_pointer (&self->frames, g_array_unref);
        }
      return;
    }
  set_status (self, stop);
  show_frames (self, frames, task ? hs_task_get_machine (task) : 0);
}

static void
refresh (HsFrameView *self)
{
  HsTask *task = hs_engine_get_current_task (self->engine);
  guint core = hs_engine_get_current_core (self->engine);
  HsCore *c = hs_engine_get_core (self->engine, core);
  g_autofree char *title = NULL;

  g_cancellable_cancel (self->fetching);
  g_clear_object (&self->fetching);
  if (hs_engine_get_state (self->engine) != HS_ENGINE_STATE_HALTED)
    {
      gtk_label_set_text (self->title, "Stack · running");
      return;
    }
  self->fetching = g_cancellable_new ();
  if (task != NULL)
    {
      title = g_strdup_printf ("Stack of %s (pid %d) · machine %u", hs_task_get_name (task),
                               hs_task_get_pid (task), hs_task_get_machine (task));
      hs_engine_task_frames_async (self->engine, task, self->fetching, frames_done,
                                   g_object_ref (self));
    }
  else if (c != NULL && hs_core_get_exception_level (c) >= 2)
    {
      title = g_strdup_printf ("Stack of Xen on core %u · machine 0", core);
      hs_engine_core_frames_async (self->engine, core, self->fetching, frames_done,
                                   g_object_ref (self));
    }
  else
    {
      title = g_strdup_printf ("Stack · core %u", core);
      set_status (self, "no task is known for this core: load the guest's vmlinux, or pick a "
                        "task in the task list");
      g_list_store_remove_all (self->rows);
      g_clear_pointer (&self->frames, g_array_unref);
    }
  gtk_label_set_text (self->title, title);
}

static char *
col_text (GObject *item, gpointer data)
{
  return g_strdup (HS_FRAME_ROW (item)->text[GPOINTER_TO_UINT (data)]);
}

GtkWidget *
hs_frame_view_new (HsEngine *engine)
{
  HsFrameView *self;

  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);

  self = g_object_new (HS_TYPE_FRAME_VIEW, NULL);
  self->engine = g_object_ref (engine);
  g_signal_connect_object (engine, "halted", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notify::current-task", G_CALLBACK (refresh), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notify::current-core", G_CALLBACK (refresh), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "resumed", G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
  refresh (self);
  return GTK_WIDGET (self);
}

guint
hs_frame_view_get_n_frames (HsFrameView *self)
{
  g_return_val_if_fail (HS_IS_FRAME_VIEW (self), 0);
  return self->frames ? self->frames->len : 0;
}

const HsFrame *
hs_frame_view_get_frame (HsFrameView *self,
                         guint        level)
{
  g_return_val_if_fail (HS_IS_FRAME_VIEW (self), NULL);
  if (self->frames == NULL || level >= self->frames->len)
    return NULL;
  return &g_array_index (self->frames, HsFrame, level);
}

guint
hs_frame_view_get_machine (HsFrameView *self)
{
  g_return_val_if_fail (HS_IS_FRAME_VIEW (self), 0);
  return self->machine;
}

void
hs_frame_view_select (HsFrameView *self,
                      guint        level)
{
  g_return_if_fail (HS_IS_FRAME_VIEW (self));
  if (self->frames && level < self->frames->len)
    gtk_single_selection_set_selected (self->selection, level);
}

char *
hs_frame_view_get_text (HsFrameView *self,
                        guint        level)
{
  g_autoptr(HsFrameRow) row = NULL;

  g_return_val_if_fail (HS_IS_FRAME_VIEW (self), NULL);
  row = g_list_model_get_item (G_LIST_MODEL (self->rows), level);
  if (row == NULL)
    return NULL;
  return g_strjoin ("  ", row->text[COL_LEVEL], row->text[COL_FUNCTION], row->text[COL_SOURCE],
                    row->text[COL_PC], NULL);
}

const char *
hs_frame_view_get_status (HsFrameView *self)
{
  g_return_val_if_fail (HS_IS_FRAME_VIEW (self), NULL);
  return self->status;
}

static void
hs_frame_view_dispose (GObject *object)
{
  HsFrameView *self = HS_FRAME_VIEW (object);

  if (self->fetching)
    g_cancellable_cancel (self->fetching);
  g_clear_object (&self->fetching);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->rows);
  g_clear_object (&self->engine);
  G_OBJECT_CLASS (hs_frame_view_parent_class)->dispose (object);
}

static void
hs_frame_view_finalize (GObject *object)
{
  HsFrameView *self = HS_FRAME_VIEW (object);

  g_clear_pointer (&self->frames, g_array_unref);
  g_free (self->status);
  G_OBJECT_CLASS (hs_frame_view_parent_class)->finalize (object);
}

static void
hs_frame_view_class_init (HsFrameViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = hs_frame_view_dispose;
  object_class->finalize = hs_frame_view_finalize;

  signals[FRAME_SELECTED] =
    g_signal_new ("frame-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_UINT);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "hs-frame-view");
}

static void
hs_frame_view_init (HsFrameView *self)
{
  GtkWidget *table;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->title = GTK_LABEL (gtk_label_new ("Stack"));
  gtk_label_set_xalign (self->title, 0);
  gtk_label_set_ellipsize (self->title, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->title), "hs-pane-title");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->title));

  self->rows = g_list_store_new (HS_TYPE_FRAME_ROW);
  table = hs_table_new (G_LIST_MODEL (self->rows), "Call stack");
  self->table = HS_TABLE (table);
  hs_table_add_column (self->table, "#", col_text, GUINT_TO_POINTER (COL_LEVEL), 3, FALSE);
  hs_table_add_column (self->table, "Function", col_text, GUINT_TO_POINTER (COL_FUNCTION), 24,
                       FALSE);
  hs_table_add_column (self->table, "Source", col_text, GUINT_TO_POINTER (COL_SOURCE), 24, TRUE);
  hs_table_add_column (self->table, "PC", col_text, GUINT_TO_POINTER (COL_PC), 22, FALSE);
  self->selection = hs_table_use_single_selection (self->table);
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (emit_selected), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_set_vexpand (table, TRUE);
  gtk_box_append (GTK_BOX (self->box), table);

  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status_label, 0);
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->status_label));
}
