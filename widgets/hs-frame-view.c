/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-frame-view.c: the current context's call stack, each frame expanding to
 * its parameters and locals.
 *
 * Frames are unwound on the engine's worker; the rows here are reused by
 * level, so a halt that leaves the top of the stack as it was redraws only
 * the frames that differ. The variables come after the frames (they need
 * DWARF location lists and reads) and only while the view is on screen.
 */
#define G_LOG_DOMAIN "hs-frame-view"

#include "config.h"

#include "hs-frame-view.h"

#include "hs-frame-row.h"

#include "hs-sync.h"
#include "hs-table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- view ------------------------------------------------------------------------------- */

struct _HsFrameView
{
  GtkWidget parent_instance;

  /* Owned widgets */
  GtkWidget *box;
  GtkLabel *title;
  GtkLabel *status_label;
  HsTable *table;
  GtkSingleSelection *selection;
  GtkWidget *edit_bar;
  GtkLabel *edit_label;
  GtkEntry *edit_entry;

  /* Main thread only */
  HsEngine *engine;
  GListStore *rows;             /* of HsFrameRow, one a frame */
  GtkTreeListModel *tree;
  GArray *frames;               /* of HsFrame */
  guint machine;
  HsTask *task;                 /* whose frames these are, or NULL for Xen's on @core */
  guint core;
  char *status;
  char *notice;                 /* what the last edit did, kept over its re-read */
  GCancellable *fetching;
  guint refresh_id;
  gboolean locals_wanted;       /* frames shown, variables not read yet */
  gboolean has_variables;
  gboolean other_context;       /* the frames shown are not the current context's */
  HsFrameRow *editing;          /* the variable in the edit bar */
  GCancellable *writing;
};

G_DEFINE_FINAL_TYPE (HsFrameView, hs_frame_view, GTK_TYPE_WIDGET)

enum { FRAME_SELECTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void queue_refresh (HsFrameView *self);

static void
set_status (HsFrameView *self,
            const char  *status)
{
  g_free (self->status);
  self->status = g_strdup (status);
  gtk_label_set_text (self->status_label, status ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status != NULL && *status);
}

static HsFrameRow *
row_at (HsFrameView *self,
        guint        position)
{
  g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (self->tree), position);

  return row ? gtk_tree_list_row_get_item (row) : NULL;
}

static GtkTreeListRow *
frame_tree_row (HsFrameView *self,
                guint        level)
{
  return gtk_tree_list_model_get_child_row (self->tree, level);
}

static void
emit_selected (HsFrameView *self)
{
  guint pos = gtk_single_selection_get_selected (self->selection);
  g_autoptr(HsFrameRow) row = NULL;

  if (self->frames == NULL || pos == GTK_INVALID_LIST_POSITION)
    return;
  row = row_at (self, pos);
  if (row == NULL || row->level >= self->frames->len)
    return;
  g_signal_emit (self, signals[FRAME_SELECTED], 0,
                 &g_array_index (self->frames, HsFrame, row->level), self->machine);
}

static void
clear_frames (HsFrameView *self)
{
  g_list_store_remove_all (self->rows);
  g_clear_pointer (&self->frames, g_array_unref);
  self->locals_wanted = FALSE;
  self->other_context = FALSE;
}

static void
show_frames (HsFrameView *self,
             GArray      *frames,
             guint        machine)
{
  guint n_rows = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  g_autoptr(GHashTable) expanded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* What the user opened stays open where the same function is still on the stack. */
  for (guint i = 0; i < n_rows; i++)
    {
      g_autoptr(GtkTreeListRow) tr = frame_tree_row (self, i);
      g_autoptr(HsFrameRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);

      if (tr && gtk_tree_list_row_get_expanded (tr) && row->function)
        g_hash_table_add (expanded, g_strdup (row->function));
    }
  g_clear_pointer (&self->frames, g_array_unref);
  self->frames = frames;
  self->machine = machine;
  self->other_context = FALSE;
  for (guint i = 0; i < frames->len; i++)
    {
      const HsFrame *f = &g_array_index (frames, HsFrame, i);
      g_autoptr(HsFrameRow) row = NULL;
      char *text[N_COLS];

      text[COL_LEVEL] = g_strdup_printf ("#%u", f->level);
      text[COL_FUNCTION] = f->function
        ? g_strdup_printf ("%s+0x%" G_GINT64_MODIFIER "x", f->function, f->offset)
        : g_strdup ("??");
      text[COL_VALUE] = g_strdup ("");
      text[COL_SOURCE] = f->file ? g_strdup_printf ("%s:%u", f->file, f->line) : g_strdup ("");
      text[COL_PC] = g_strdup_printf ("%u:::0x%016" G_GINT64_MODIFIER "x", machine, f->pc);
      if (i < n_rows)
        row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);
      else
        {
          row = g_object_new (HS_TYPE_FRAME_ROW, NULL);
          row->is_frame = TRUE;
          row->vars = g_list_store_new (HS_TYPE_FRAME_ROW);
        }
      row->level = i;
      /* Another function's variables would be wrong until the read: gone at once. */
      if (g_strcmp0 (row->function, f->function) != 0)
        {
          g_free (row->function);
          row->function = g_strdup (f->function);
          g_list_store_remove_all (row->vars);
        }
      hs_frame_row_set_text (row, text);
      if (i >= n_rows)
        g_list_store_append (self->rows, row);
    }
  if (n_rows > frames->len)
    g_list_store_splice (self->rows, frames->len, n_rows - frames->len, NULL, 0);
  for (guint i = 0; i < frames->len; i++)
    {
      g_autoptr(GtkTreeListRow) tr = frame_tree_row (self, i);
      g_autoptr(HsFrameRow) row = g_list_model_get_item (G_LIST_MODEL (self->rows), i);
      gboolean want = row->function && g_hash_table_contains (expanded, row->function);

      if (tr && gtk_tree_list_row_get_expanded (tr) != want)
        gtk_tree_list_row_set_expanded (tr, want);
    }
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
show_variables (HsFrameView *self,
                GArray      *variables)
{
  guint n_frames = g_list_model_get_n_items (G_LIST_MODEL (self->rows));

  for (guint level = 0; level < n_frames; level++)
    {
      g_autoptr(HsFrameRow) frame = g_list_model_get_item (G_LIST_MODEL (self->rows), level);

      hs_frame_row_update_variables (frame->vars, variables, level);
    }
}

static void
locals_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(HsFrameView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) variables = NULL;
  g_autofree char *stop = NULL;
  g_autoptr(GArray) frames = hs_engine_task_locals_finish (HS_ENGINE (object), result, &variables,
                                                          &stop, &error);

  if (frames == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_status (self, error->message);
    }
  else
    show_variables (self, variables);
  self->has_variables = TRUE;
}

static void
read_locals (HsFrameView *self)
{
  if (!self->locals_wanted || !gtk_widget_get_mapped (GTK_WIDGET (self)) || self->fetching == NULL)
    return;
  self->locals_wanted = FALSE;
  if (self->task)
    hs_engine_task_locals_async (self->engine, self->task, self->fetching, locals_done,
                                 g_object_ref (self));
  else
    hs_engine_core_locals_async (self->engine, self->core, self->fetching, locals_done,
                                 g_object_ref (self));
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

  if (frames == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_status (self, error->message);
          clear_frames (self);
          self->has_variables = TRUE;
        }
      return;
    }
  set_status (self, self->notice ? self->notice : stop);
  show_frames (self, frames, self->task ? hs_task_get_machine (self->task) : 0);
  self->locals_wanted = TRUE;
  read_locals (self);
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
  self->has_variables = FALSE;
  self->locals_wanted = FALSE;
  if (hs_engine_get_state (self->engine) != HS_ENGINE_STATE_HALTED)
    {
      gtk_label_set_text (self->title, "Stack · running");
      return;
    }
  self->fetching = g_cancellable_new ();
  g_set_object (&self->task, task);
  self->core = core;
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
      clear_frames (self);
      self->has_variables = TRUE;
    }
  gtk_label_set_text (self->title, title);
}

/* A halt notifies the current core and task too: one refresh for all of them. */
static void
queue_refresh (HsFrameView *self)
{
  HsTask *task = hs_engine_get_current_task (self->engine);

  /* Another task's (or core's) stack is not this context's, even for the moment the idle
   * waits: nobody may take its frames for the new context's. The rows stay until the new
   * ones replace them in place. */
  if (task != self->task
      || (task == NULL && hs_engine_get_current_core (self->engine) != self->core))
    self->other_context = TRUE;
  /* At once, as the other views do: the window's source and context follow the frame this
   * selects, and waiting for an idle let them settle on the old one first. A second signal of
   * the same halt cancels the first one's reads. */
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  refresh (self);
}

/* The target moved: an edit's message is old news, and an open editor edits what was. */
static void
engine_changed (HsFrameView *self)
{
  g_clear_pointer (&self->notice, g_free);
  if (self->editing)
    {
      g_clear_object (&self->editing);
      gtk_widget_set_visible (self->edit_bar, FALSE);
    }
  queue_refresh (self);
}

/* ---- editing ---------------------------------------------------------------------------- */

typedef struct
{
  HsSymbolFile *file;
  char *text;
} ParseJob;

static void
parse_job_free (ParseJob *job)
{
  g_clear_object (&job->file);
  g_free (job->text);
  g_free (job);
}

static gboolean
parse_number (const char *text,
              guint64    *value)
{
  g_autofree char *t = g_strstrip (g_strdup (text));
  char *end = NULL;

  if (*t == '\0')
    return FALSE;
  errno = 0;
  if (*t == '-')
    *value = (guint64) g_ascii_strtoll (t, &end, 0);
  else
    *value = g_ascii_strtoull (t, &end, 0);
  return errno == 0 && end != t && *end == '\0';
}

/* An enumerator's value by name: the enums are read from DWARF, off the GUI thread. */
static void
parse_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  ParseJob *job = task_data;
  g_autofree char *name = g_strstrip (g_strdup (job->text));
  GError *error = NULL;
  guint64 die;
  gint64 value;

  if (job->file == NULL || !hs_symbol_file_find_enumerator (job->file, name, &die, &value, &error))
    {
      if (error == NULL)
        error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "no symbols");
      hs_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "'%s' is neither a number nor an enumerator: %s", name,
                               error->message);
      g_error_free (error);
      return;
    }
  hs_task_return_pointer (task, g_memdup2 (&value, sizeof value), g_free);
}

static void
write_done (HsFrameView *self,
            GError      *error,
            const char  *what)
{
  g_clear_object (&self->writing);
  g_free (self->notice);
  self->notice = g_strdup (error ? error->message : what);
  set_status (self, self->notice);
  /* The value is re-read as the target holds it now. */
  queue_refresh (self);
}

static void
memory_written (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(HsFrameView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = g_object_steal_data (G_OBJECT (self), "hs-pending-what");

  if (!hs_engine_write_finish (HS_ENGINE (object), result, &error))
    g_prefix_error (&error, "cannot write the variable: ");
  write_done (self, error, what);
}

static void
register_written (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HsFrameView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *where = hs_engine_write_task_register_finish (HS_ENGINE (object), result,
                                                                &error);
  g_autofree char *name = g_object_steal_data (G_OBJECT (self), "hs-pending-what");
  g_autofree char *what = NULL;

  if (where == NULL)
    g_prefix_error (&error, "cannot write %s's register: ", name);
  else
    what = g_strdup_printf ("%s: written to %s", name, where);
  write_done (self, error, what);
}

static void
write_value (HsFrameView *self,
             HsFrameRow  *var,
             guint64      value)
{
  if (hs_engine_get_state (self->engine) != HS_ENGINE_STATE_HALTED)
    {
      set_status (self, "the target runs: Break before editing a variable");
      return;
    }
  g_clear_object (&self->writing);
  self->writing = g_cancellable_new ();
  if (var->kind == HS_LOCATION_MEMORY)
    {
      guint8 bytes[8];
      g_autoptr(GBytes) data = NULL;
      HsAddress at = { HS_ACCESS_VIRTUAL, self->machine, 0, var->address };
      g_autofree char *what = g_strdup_printf ("%s: %" G_GUINT64_FORMAT " bytes written at "
                                               "%u:::0x%" G_GINT64_MODIFIER "x", var->name,
                                               var->size, self->machine, var->address);

      /* AArch64 targets run little-endian. */
      for (guint i = 0; i < var->size; i++)
        bytes[i] = (value >> (8 * i)) & 0xff;
      data = g_bytes_new (bytes, var->size);
      /* The message is made now: the row may be gone when the write returns. */
      g_object_set_data_full (G_OBJECT (self), "hs-pending-what", g_steal_pointer (&what), g_free);
      hs_engine_write_async (self->engine, &at, data, self->writing, memory_written,
                             g_object_ref (self));
    }
  else
    {
      g_autofree char *reg = var->reg <= 30 ? g_strdup_printf ("x%u", var->reg) : g_strdup ("sp");
      guint64 v = value;

      if (var->size < 8)
        v &= (G_GUINT64_CONSTANT (1) << (8 * var->size)) - 1;
      g_object_set_data_full (G_OBJECT (self), "hs-pending-what", g_strdup (var->name), g_free);
      hs_engine_write_task_register_async (self->engine, self->task, reg, v, self->writing,
                                           register_written, g_object_ref (self));
    }
}

static void
parsed (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  HsFrameView *self = HS_FRAME_VIEW (object);
  g_autoptr(HsFrameRow) var = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree gint64 *value = hs_task_propagate_pointer (G_TASK (result), &error);

  if (value == NULL)
    {
      g_clear_object (&self->writing);
      set_status (self, error->message);
      return;
    }
  write_value (self, var, (guint64) *value);
}

static void
commit_edit (HsFrameView *self)
{
  g_autoptr(HsFrameRow) var = g_steal_pointer (&self->editing);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->edit_entry));
  guint64 value;

  gtk_widget_set_visible (self->edit_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->table));
  if (var == NULL)
    return;
  if (parse_number (text, &value))
    write_value (self, var, value);
  else
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, parsed, g_object_ref (var));
      ParseJob *job = g_new0 (ParseJob, 1);

      job->file = var->file ? g_object_ref (var->file) : NULL;
      job->text = g_strdup (text);
      /* Counts as a write under way, so a test waits for it too. */
      g_clear_object (&self->writing);
      self->writing = g_cancellable_new ();
      g_task_set_task_data (task, job, (GDestroyNotify) parse_job_free);
      hs_task_run_in_thread (task, parse_in_thread);
    }
}

static void
cancel_edit (HsFrameView *self)
{
  g_clear_object (&self->editing);
  gtk_widget_set_visible (self->edit_bar, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->table));
}

/* What the editor starts from: the number a value shows, without its cast or the symbol or
 * character printed after it. */
static char *
editable_text (const char *shown)
{
  const char *p = shown;

  if (*p == '(' && strstr (p, ") ") != NULL)
    p = strstr (p, ") ") + 2;
  return g_strndup (p, strcspn (p, " "));
}

static gboolean
edit_key (GtkEventControllerKey *controller,
          guint                  keyval,
          guint                  keycode,
          GdkModifierType        state,
          HsFrameView           *self)
{
  if (keyval != GDK_KEY_Escape)
    return FALSE;
  cancel_edit (self);
  return TRUE;
}

static gboolean
begin_edit (HsFrameView *self,
            HsFrameRow  *var)
{
  g_autofree char *message = NULL;
  g_autofree char *label = NULL;
  g_autofree char *initial = NULL;
  const char *type = var->type_text ? var->type_text : "";

  if (hs_engine_get_state (self->engine) != HS_ENGINE_STATE_HALTED)
    message = g_strdup_printf ("cannot edit %s: the target runs (Break first)", var->name);
  else if (var->kind != HS_LOCATION_MEMORY && var->kind != HS_LOCATION_REGISTER)
    message = g_strdup_printf ("cannot edit %s: it is not in memory or a register here (%s)",
                               var->name, var->text[COL_VALUE]);
  else if (var->size == 0 || var->size > 8 || (var->size & (var->size - 1)) != 0
           || g_str_has_prefix (type, "struct") || g_str_has_prefix (type, "union")
           || strchr (type, '[') != NULL || !var->known)
    message = g_strdup_printf ("cannot edit %s here: only integers, pointers and enums are "
                               "edited in the stack view; use Var.set for the rest", var->name);
  else if (var->kind == HS_LOCATION_REGISTER && var->level > 0)
    message = g_strdup_printf ("cannot edit %s: it lives in x%u of caller frame #%u, and that "
                               "register is not saved anywhere it can be written; change it in "
                               "frame #0 or where it is in memory", var->name, var->reg,
                               var->level);
  else if (var->kind == HS_LOCATION_REGISTER && self->task == NULL)
    message = g_strdup_printf ("cannot edit %s: Xen's registers are edited in the register view",
                               var->name);
  if (message)
    {
      set_status (self, message);
      return FALSE;
    }
  g_set_object (&self->editing, var);
  label = g_strdup_printf ("#%u %s =", var->level, var->name);
  gtk_label_set_text (self->edit_label, label);
  initial = editable_text (var->text[COL_VALUE]);
  gtk_editable_set_text (GTK_EDITABLE (self->edit_entry), initial);
  gtk_widget_set_visible (self->edit_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->edit_entry));
  set_status (self, "Enter writes the value (a number or an enumerator); Escape cancels");
  return TRUE;
}

static void
on_row_activated (HsFrameView *self,
                  guint        position)
{
  g_autoptr(GtkTreeListRow) tr = g_list_model_get_item (G_LIST_MODEL (self->tree), position);
  g_autoptr(HsFrameRow) row = tr ? gtk_tree_list_row_get_item (tr) : NULL;

  if (row == NULL)
    return;
  if (row->is_frame)
    gtk_tree_list_row_set_expanded (tr, !gtk_tree_list_row_get_expanded (tr));
  else if (row->name != NULL)
    begin_edit (self, row);
}

static void
on_map (HsFrameView *self)
{
  read_locals (self);
}

static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  HsFrameRow *row = item;

  /* A struct's members are read when the tree first asks for them. */
  if (row->vars == NULL && hs_frame_row_is_aggregate (row))
    {
      row->vars = g_list_store_new (HS_TYPE_FRAME_ROW);
      hs_frame_row_read_members (row);
    }
  return row->vars ? g_object_ref (G_LIST_MODEL (row->vars)) : NULL;
}

static char *
col_text (GObject *item, gpointer data)
{
  return g_strdup (HS_FRAME_ROW (item)->text[GPOINTER_TO_UINT (data)]);
}

/* A value that could not be read is greyed, with its name. */
static const char *
col_style (GObject *item, gpointer data)
{
  HsFrameRow *row = HS_FRAME_ROW (item);

  return !row->is_frame && !row->known ? "dim-label" : NULL;
}

GtkWidget *
hs_frame_view_new (HsEngine *engine)
{
  HsFrameView *self;

  g_return_val_if_fail (HS_IS_ENGINE (engine), NULL);

  self = g_object_new (HS_TYPE_FRAME_VIEW, NULL);
  self->engine = g_object_ref (engine);
  g_signal_connect_object (engine, "halted", G_CALLBACK (engine_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notify::current-task", G_CALLBACK (engine_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notify::current-core", G_CALLBACK (engine_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "resumed", G_CALLBACK (engine_changed), self,
                           G_CONNECT_SWAPPED);
  refresh (self);
  return GTK_WIDGET (self);
}

guint
hs_frame_view_get_n_frames (HsFrameView *self)
{
  g_return_val_if_fail (HS_IS_FRAME_VIEW (self), 0);
  return self->frames && !self->other_context ? self->frames->len : 0;
}

const HsFrame *
hs_frame_view_get_frame (HsFrameView *self,
                         guint        level)
{
  g_return_val_if_fail (HS_IS_FRAME_VIEW (self), NULL);
  if (self->frames == NULL || self->other_context || level >= self->frames->len)
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
  g_autoptr(GtkTreeListRow) tr = NULL;

  g_return_if_fail (HS_IS_FRAME_VIEW (self));
  if (self->frames && level < self->frames->len && (tr = frame_tree_row (self, level)))
    gtk_single_selection_set_selected (self->selection, gtk_tree_list_row_get_position (tr));
}

void
hs_frame_view_set_expanded (HsFrameView *self,
                            guint        level,
                            gboolean     expanded)
{
  g_autoptr(GtkTreeListRow) tr = NULL;

  g_return_if_fail (HS_IS_FRAME_VIEW (self));
  tr = frame_tree_row (self, level);
  if (tr)
    gtk_tree_list_row_set_expanded (tr, expanded);
}

gboolean
hs_frame_view_get_expanded (HsFrameView *self,
                            guint        level)
{
  g_autoptr(GtkTreeListRow) tr = NULL;

  g_return_val_if_fail (HS_IS_FRAME_VIEW (self), FALSE);
  tr = frame_tree_row (self, level);
  return tr && gtk_tree_list_row_get_expanded (tr);
}

gboolean
hs_frame_view_has_variables (HsFrameView *self)
{
  g_return_val_if_fail (HS_IS_FRAME_VIEW (self), FALSE);
  return self->has_variables && self->refresh_id == 0;
}

/* @path: "t", or "t.tv_nsec" for a member shown under an opened struct. */
static HsFrameRow *
find_variable (HsFrameView *self,
               guint        level,
               const char  *path)
{
  g_autoptr(HsFrameRow) parent = g_list_model_get_item (G_LIST_MODEL (self->rows), level);
  g_auto(GStrv) names = g_strsplit (path, ".", -1);

  for (guint k = 0; names[k] && parent; k++)
    {
      GListModel *list = G_LIST_MODEL (parent->vars);
      guint n = list ? g_list_model_get_n_items (list) : 0;
      HsFrameRow *found = NULL;

      for (guint i = 0; i < n && found == NULL; i++)
        {
          g_autoptr(HsFrameRow) var = g_list_model_get_item (list, i);

          if (g_strcmp0 (var->name, names[k]) == 0)
            found = g_steal_pointer (&var);
        }
      g_clear_object (&parent);
      parent = found;
    }
  return g_steal_pointer (&parent);
}

/* Opens (or closes) the row of a variable that is a struct in memory, as a click on its
 * expander does; FALSE when it is not shown or not one. */
gboolean
hs_frame_view_set_variable_expanded (HsFrameView *self,
                                     guint        level,
                                     const char  *path,
                                     gboolean     expanded)
{
  g_autoptr(HsFrameRow) var = NULL;
  guint n;

  g_return_val_if_fail (HS_IS_FRAME_VIEW (self), FALSE);
  var = find_variable (self, level, path);
  if (var == NULL || !hs_frame_row_is_aggregate (var))
    return FALSE;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->tree));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkTreeListRow) tr = g_list_model_get_item (G_LIST_MODEL (self->tree), i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (tr);

      if (item == G_OBJECT (var))
        {
          gtk_tree_list_row_set_expanded (tr, expanded);
          return TRUE;
        }
    }
  return FALSE;
}

char *
hs_frame_view_get_variable_text (HsFrameView *self,
                                 guint        level,
                                 const char  *name)
{
  g_autoptr(HsFrameRow) var = NULL;

  g_return_val_if_fail (HS_IS_FRAME_VIEW (self), NULL);
  var = find_variable (self, level, name);
  if (var == NULL)
    return NULL;
  return g_strdup_printf ("%s = %s  (%s)", var->text[COL_FUNCTION], var->text[COL_VALUE],
                          var->text[COL_SOURCE]);
}

gboolean
hs_frame_view_edit_variable (HsFrameView *self,
                             guint        level,
                             const char  *name)
{
  g_autoptr(HsFrameRow) var = NULL;

  g_return_val_if_fail (HS_IS_FRAME_VIEW (self), FALSE);
  var = find_variable (self, level, name);
  if (var == NULL)
    return FALSE;
  return begin_edit (self, var);
}

gboolean
hs_frame_view_is_writing (HsFrameView *self)
{
  g_return_val_if_fail (HS_IS_FRAME_VIEW (self), FALSE);
  return self->writing != NULL;
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
  if (self->writing)
    g_cancellable_cancel (self->writing);
  g_clear_object (&self->writing);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->editing);
  g_clear_object (&self->task);
  g_clear_object (&self->tree);
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
  g_free (self->notice);
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
  GtkEventController *key;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->title = GTK_LABEL (gtk_label_new ("Stack"));
  gtk_label_set_xalign (self->title, 0);
  gtk_label_set_ellipsize (self->title, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->title), "hs-pane-title");
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->title));

  self->rows = g_list_store_new (HS_TYPE_FRAME_ROW);
  self->tree = gtk_tree_list_model_new (g_object_ref (G_LIST_MODEL (self->rows)), FALSE, FALSE,
                                        create_children, NULL, NULL);
  table = hs_table_new (G_LIST_MODEL (self->tree), "Call stack");
  self->table = HS_TABLE (table);
  hs_table_set_tree_column (self->table, COL_FUNCTION);
  hs_table_add_column (self->table, "#", col_text, GUINT_TO_POINTER (COL_LEVEL), 3, FALSE);
  hs_table_add_styled_column (self->table, "Function", col_text, col_style,
                              GUINT_TO_POINTER (COL_FUNCTION), 24, FALSE);
  hs_table_add_styled_column (self->table, "Value", col_text, col_style,
                              GUINT_TO_POINTER (COL_VALUE), 16, TRUE);
  hs_table_set_column_tooltip (self->table, COL_VALUE);
  hs_table_add_column (self->table, "Source · type", col_text, GUINT_TO_POINTER (COL_SOURCE), 20,
                       TRUE);
  hs_table_add_column (self->table, "PC · where", col_text, GUINT_TO_POINTER (COL_PC), 22, FALSE);
  self->selection = hs_table_use_single_selection (self->table);
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (emit_selected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_swapped (table, "row-activated", G_CALLBACK (on_row_activated), self);
  gtk_widget_set_vexpand (table, TRUE);
  gtk_box_append (GTK_BOX (self->box), table);

  self->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->status_label, 0);
  gtk_label_set_wrap (self->status_label, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), FALSE);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->status_label));

  /* The inline editor: a double-click or Enter on a variable opens it. */
  self->edit_bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  self->edit_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->edit_label), "hs-mono");
  self->edit_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->edit_entry), "hs-mono");
  gtk_widget_set_hexpand (GTK_WIDGET (self->edit_entry), TRUE);
  gtk_box_append (GTK_BOX (self->edit_bar), GTK_WIDGET (self->edit_label));
  gtk_box_append (GTK_BOX (self->edit_bar), GTK_WIDGET (self->edit_entry));
  gtk_widget_set_visible (self->edit_bar, FALSE);
  gtk_box_append (GTK_BOX (self->box), self->edit_bar);
  g_signal_connect_swapped (self->edit_entry, "activate", G_CALLBACK (commit_edit), self);
  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (edit_key), self);
  gtk_widget_add_controller (GTK_WIDGET (self->edit_entry), key);
  g_signal_connect (self, "map", G_CALLBACK (on_map), NULL);
}
