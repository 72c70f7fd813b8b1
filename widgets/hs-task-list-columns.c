/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-task-list-columns.c: the task list's columns: cells that follow their
 * task's notifications, and sort keys that say what they read.
 */
#define G_LOG_DOMAIN "hs-task-list"

#include "config.h"

#include "hs-task-list-private.h"

const ColumnInfo _hs_task_list_column_info[HS_TASK_LIST_N_COLUMNS] = {
  [HS_TASK_LIST_COLUMN_MACHINE] = { "Machine", 3, FALSE, 0 },
  [HS_TASK_LIST_COLUMN_PID] = { "PID", 7, FALSE, 0 },
  [HS_TASK_LIST_COLUMN_SPACE] = { "Space", 7, FALSE, 0 },
  [HS_TASK_LIST_COLUMN_NAME] = { "Name", 16, FALSE, DEP_NAME },
  [HS_TASK_LIST_COLUMN_STATE] = { "State", 16, FALSE, DEP_STATE },
  /* hs_task_update notifies no "cpu": a sort by CPU is redone with the next other change. */
  [HS_TASK_LIST_COLUMN_CPU] = { "CPU", 3, FALSE, DEP_STATE },
  [HS_TASK_LIST_COLUMN_CURRENT] = { "Current", 18, TRUE, DEP_CURRENT },
};

/* ---- cells ------------------------------------------------------------------------------ */

char *
_hs_task_list_cell_text (HsTaskList       *self,
                         HsTask           *task,
                         HsTaskListColumn  kind)
{
  switch (kind)
    {
    case HS_TASK_LIST_COLUMN_MACHINE:
      return g_strdup_printf ("%u", hs_task_get_machine (task));
    case HS_TASK_LIST_COLUMN_PID:
      return g_strdup_printf ("%d", hs_task_get_pid (task));
    case HS_TASK_LIST_COLUMN_SPACE:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, hs_task_get_space (task));
    case HS_TASK_LIST_COLUMN_NAME:
      return g_strdup (hs_task_get_name (task));
    case HS_TASK_LIST_COLUMN_STATE:
      return hs_task_is_corrupt (task) ? g_strconcat ("⚠ ", hs_task_get_state_text (task), NULL)
                                       : g_strdup (hs_task_get_state_text (task));
    case HS_TASK_LIST_COLUMN_CPU:
      return hs_task_get_cpu (task) < 0 ? g_strdup ("?")
                                        : g_strdup_printf ("%d", hs_task_get_cpu (task));
    case HS_TASK_LIST_COLUMN_CURRENT:
      {
        GString *s = g_string_new (task == self->current ? "▶ " : NULL);

        /* ● : on a halted core now; otherwise current on its vCPU, which is not running. */
        if (hs_task_get_current_vcpu (task) >= 0 && hs_task_get_core (task) >= 0)
          g_string_append_printf (s, "● vCPU %d, core %d", hs_task_get_current_vcpu (task),
                                  hs_task_get_core (task));
        else if (hs_task_get_current_vcpu (task) >= 0)
          g_string_append_printf (s, "vCPU %d", hs_task_get_current_vcpu (task));
        return g_string_free (s, FALSE);
      }
    case HS_TASK_LIST_N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
  return NULL;
}

static void
set_cell_class (GtkWidget  *cell,
                const char *key,
                const char *css_class)
{
  const char *old_class = g_object_get_data (G_OBJECT (cell), key);

  if (g_strcmp0 (old_class, css_class) == 0)
    return;
  if (old_class)
    gtk_widget_remove_css_class (cell, old_class);
  if (css_class)
    gtk_widget_add_css_class (cell, css_class);
  /* Classes are static strings: kept by pointer. */
  g_object_set_data (G_OBJECT (cell), key, (gpointer) css_class);
}

void
_hs_task_list_update_cell (GtkListItem *item)
{
  Column *column = g_object_get_data (G_OBJECT (item), "hs-column");
  GObject *object = gtk_list_item_get_item (item);
  GtkWidget *cell = gtk_list_item_get_child (item);
  HsTask *task;
  g_autofree char *text = NULL;
  const char *reason;

  if (object == NULL || cell == NULL || column == NULL)
    return;
  task = HS_TASK (object);
  text = _hs_task_list_cell_text (column->self, task, column->kind);
  gtk_inscription_set_text (GTK_INSCRIPTION (cell), text);
  /* Only when it changes: setting a tooltip asks the X server where the pointer is. */
  reason = hs_task_is_corrupt (task) ? hs_task_get_corrupt_reason (task) : NULL;
  if (hs_task_is_corrupt (task) || gtk_widget_get_has_tooltip (cell))
    {
      g_autofree char *tooltip = NULL;

      if (hs_task_is_corrupt (task))
        tooltip = g_strdup_printf ("Corrupt task: %s", reason ? reason : "impossible values");
      if (g_strcmp0 (tooltip, gtk_widget_get_tooltip_text (cell)) != 0)
        gtk_widget_set_tooltip_text (cell, tooltip);
    }
  set_cell_class (cell, "hs-current-class",
                  task == column->self->current ? "hs-current-task" : NULL);
  if (column->kind == HS_TASK_LIST_COLUMN_STATE)
    set_cell_class (cell, "hs-corrupt-class", hs_task_is_corrupt (task) ? "hs-error" : NULL);
}

static void
on_item_notify (GObject    *object,
                GParamSpec *pspec,
                gpointer    item)
{
  _hs_task_list_update_cell (item);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            Column                   *column)
{
  GtkWidget *cell = gtk_inscription_new (NULL);

  gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), _hs_task_list_column_info[column->kind].chars);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), _hs_task_list_column_info[column->kind].chars);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  if (column->kind != HS_TASK_LIST_COLUMN_NAME && column->kind != HS_TASK_LIST_COLUMN_STATE
      && column->kind != HS_TASK_LIST_COLUMN_CURRENT)
    gtk_inscription_set_xalign (GTK_INSCRIPTION (cell), 1.0);
  gtk_widget_add_css_class (cell, "hs-mono");
  /* For the context menu: which row a click is on. */
  g_object_set_data (G_OBJECT (cell), "hs-list-item", item);
  g_object_set_data (G_OBJECT (item), "hs-column", column);
  gtk_list_item_set_child (item, cell);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           Column                   *column)
{
  GObject *object = gtk_list_item_get_item (item);
  gulong id = g_signal_connect (object, "notify", G_CALLBACK (on_item_notify), item);

  g_object_set_data (G_OBJECT (item), "hs-notify-id", GSIZE_TO_POINTER (id));
  g_hash_table_add (column->self->bound, item);
  _hs_task_list_update_cell (item);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             Column                   *column)
{
  GObject *object = gtk_list_item_get_item (item);
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item), "hs-notify-id"));

  if (object && id)
    g_signal_handler_disconnect (object, id);
  g_object_set_data (G_OBJECT (item), "hs-notify-id", NULL);
  if (column->self->bound)
    g_hash_table_remove (column->self->bound, item);
}

/* ---- sorting ---------------------------------------------------------------------------- */

/*
 * Sort keys, not compare functions: GTK computes a key per task once per sort and then sorts
 * by keys, where a compare function would be called through three layers for every
 * comparison. Text is compared as text only for names; a state sorts by its letter, which
 * is the order of its text and costs no collation key.
 */
static gint64
sort_key_number (GObject *item,
                 Column  *column)
{
  HsTask *task = (HsTask *) item;

  if (column->self->probing)
    column->self->sort_deps |= _hs_task_list_column_info[column->kind].deps;
  switch (column->kind)
    {
    case HS_TASK_LIST_COLUMN_MACHINE:
      return hs_task_get_machine (task);
    case HS_TASK_LIST_COLUMN_PID:
      return hs_task_get_pid (task);
    case HS_TASK_LIST_COLUMN_SPACE:
      return (gint64) hs_task_get_space (task);
    case HS_TASK_LIST_COLUMN_STATE:
      return (guchar) hs_task_get_state_text (task)[0];
    case HS_TASK_LIST_COLUMN_CPU:
      return hs_task_get_cpu (task);
    case HS_TASK_LIST_COLUMN_CURRENT:
      {
        /* The current tasks first in ascending order, by vCPU, then core. */
        gint vcpu = hs_task_get_current_vcpu (task);

        return ((gint64) (vcpu < 0 ? G_MAXINT : vcpu) << 32) + hs_task_get_core (task) + 1;
      }
    case HS_TASK_LIST_COLUMN_NAME:
    case HS_TASK_LIST_N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
  return 0;
}

static char *
sort_key_name (GObject *item,
               Column  *column)
{
  if (column->self->probing)
    column->self->sort_deps |= _hs_task_list_column_info[column->kind].deps;
  return g_strdup (hs_task_get_name ((HsTask *) item));
}

/* The keys' expressions call these directly: the generic marshaller goes through libffi. */
static void
marshal_number_key (GClosure     *closure,
                    GValue       *return_value,
                    guint         n_param_values,
                    const GValue *param_values,
                    gpointer      invocation_hint,
                    gpointer      marshal_data)
{
  gint64 (*callback) (GObject *, Column *) = (gpointer) ((GCClosure *) closure)->callback;

  g_assert (n_param_values == 1);
  g_value_set_int64 (return_value, callback (g_value_get_object (&param_values[0]),
                                             closure->data));
}

static void
marshal_name_key (GClosure     *closure,
                  GValue       *return_value,
                  guint         n_param_values,
                  const GValue *param_values,
                  gpointer      invocation_hint,
                  gpointer      marshal_data)
{
  char *(*callback) (GObject *, Column *) = (gpointer) ((GCClosure *) closure)->callback;

  g_assert (n_param_values == 1);
  g_value_take_string (return_value, callback (g_value_get_object (&param_values[0]),
                                               closure->data));
}

static GtkSorter *
new_sorter (Column *column)
{
  GtkExpression *key;

  if (column->kind == HS_TASK_LIST_COLUMN_NAME)
    {
      key = gtk_cclosure_expression_new (G_TYPE_STRING, marshal_name_key, 0, NULL,
                                         G_CALLBACK (sort_key_name), column, NULL);
      return GTK_SORTER (gtk_string_sorter_new (key));
    }
  key = gtk_cclosure_expression_new (G_TYPE_INT64, marshal_number_key, 0, NULL,
                                     G_CALLBACK (sort_key_number), column, NULL);
  return GTK_SORTER (gtk_numeric_sorter_new (key));
}

/*
 * GTK 4.8 cannot say which columns the view sorts by; comparing two blank tasks walks every
 * sort column (each says "equal"), and each key records what it reads. (Not a task with itself:
 * gtk_sorter_compare() answers that without asking.)
 */
guint
_hs_task_list_get_sort_deps (HsTaskList *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->view);

  if (self->sort_deps_valid)
    return self->sort_deps;
  self->sort_deps = 0;
  if (sorter != NULL && gtk_sorter_get_order (sorter) != GTK_SORTER_ORDER_NONE)
    {
      self->probing = TRUE;
      gtk_sorter_compare (sorter, self->probes[0], self->probes[1]);
      self->probing = FALSE;
    }
  self->sort_deps_valid = TRUE;
  return self->sort_deps;
}

static void
on_sorter_changed (HsTaskList *self)
{
  self->sort_deps_valid = FALSE;
}

/* One column per HsTaskListColumn, each with its cells and its sort key. */
void
_hs_task_list_add_columns (HsTaskList *self)
{
  for (guint i = 0; i < HS_TASK_LIST_N_COLUMNS; i++)
    {
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;
      g_autoptr(GtkSorter) sorter = NULL;
      Column *c = &self->columns[i];

      c->self = self;
      c->kind = i;
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), c);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), c);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), c);
      column = gtk_column_view_column_new (_hs_task_list_column_info[i].title, g_object_ref (factory));
      sorter = new_sorter (c);
      gtk_column_view_column_set_sorter (column, sorter);
      gtk_column_view_column_set_expand (column, _hs_task_list_column_info[i].expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->view, column);
    }
  g_signal_connect_object (gtk_column_view_get_sorter (self->view), "changed",
                           G_CALLBACK (on_sorter_changed), self, G_CONNECT_SWAPPED);
}
