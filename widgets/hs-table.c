/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "hs-table"

#include "config.h"

#include "hs-table.h"

typedef struct
{
  HsTableTextFunc text;
  HsTableStyleFunc style;
  gpointer user_data;
  gboolean tooltip;             /* the full text in a tooltip, for ellipsized values */
} Column;

struct _HsTable
{
  GtkWidget parent_instance;

  /* Owned */
  GtkWidget *scroller;
  GtkColumnView *view;
  GListModel *model;
  GPtrArray *columns;           /* of Column* */
  GPtrArray *bound;             /* of GtkListItem*: the cells on screen */
  gint tree_column;             /* the column with the expanders over a GtkTreeListModel, or -1 */
};

G_DEFINE_FINAL_TYPE (HsTable, hs_table, GTK_TYPE_WIDGET)

/* Over a GtkTreeListModel the rows wrap the items the columns show. */
static GObject *
unwrap (GObject *object)
{
  if (GTK_IS_TREE_LIST_ROW (object))
    return gtk_tree_list_row_get_item (GTK_TREE_LIST_ROW (object));
  return object ? g_object_ref (object) : NULL;
}

static void
update_cell (GtkListItem *item)
{
  g_autoptr(GObject) object = unwrap (gtk_list_item_get_item (item));
  GtkWidget *cell = gtk_list_item_get_child (item);
  Column *column = g_object_get_data (G_OBJECT (item), "hs-column");
  g_autofree char *text = NULL;

  if (object == NULL || cell == NULL || column == NULL)
    return;
  if (GTK_IS_TREE_EXPANDER (cell))
    cell = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (cell));
  text = column->text (object, column->user_data);
  gtk_inscription_set_text (GTK_INSCRIPTION (cell), text ? text : "");
  /* Setting a tooltip re-queries it on screen: only when the text is new. */
  if (column->tooltip && g_strcmp0 (gtk_widget_get_tooltip_text (cell), text) != 0)
    gtk_widget_set_tooltip_text (cell, text && *text ? text : NULL);
  if (column->style)
    {
      const char *old_class = g_object_get_data (G_OBJECT (cell), "hs-class");
      const char *new_class = column->style (object, column->user_data);

      if (g_strcmp0 (old_class, new_class) != 0)
        {
          if (old_class)
            gtk_widget_remove_css_class (cell, old_class);
          if (new_class)
            gtk_widget_add_css_class (cell, new_class);
          /* Classes come from static strings: kept by pointer. */
          g_object_set_data (G_OBJECT (cell), "hs-class", (gpointer) new_class);
        }
    }
}

static void
item_notify (GObject    *object,
             GParamSpec *pspec,
             gpointer    item)
{
  update_cell (item);
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  HsTable *self = g_object_get_data (G_OBJECT (factory), "hs-table");
  GtkWidget *cell = gtk_inscription_new (NULL);
  guint min_chars = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "hs-min-chars"));

  gtk_inscription_set_min_chars (GTK_INSCRIPTION (cell), min_chars);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (cell), min_chars);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell),
                                     GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_widget_add_css_class (cell, "hs-mono");
  g_object_set_data (G_OBJECT (item), "hs-column", user_data);
  if (self->tree_column >= 0 && g_ptr_array_index (self->columns, self->tree_column) == user_data)
    {
      GtkWidget *expander = gtk_tree_expander_new ();

      gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), cell);
      cell = expander;
    }
  gtk_list_item_set_child (item, cell);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  HsTable *self = g_object_get_data (G_OBJECT (factory), "hs-table");
  GObject *row = gtk_list_item_get_item (item);
  g_autoptr(GObject) object = unwrap (row);
  GtkWidget *cell = gtk_list_item_get_child (item);
  gulong id = g_signal_connect_object (object, "notify", G_CALLBACK (item_notify), item, 0);

  if (GTK_IS_TREE_EXPANDER (cell))
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (cell), GTK_TREE_LIST_ROW (row));
  /* The object notified, kept for unbind: a tree row may drop its item first. */
  g_object_set_data_full (G_OBJECT (item), "hs-notified", g_object_ref (object), g_object_unref);
  g_object_set_data (G_OBJECT (item), "hs-notify-id", GSIZE_TO_POINTER (id));
  g_ptr_array_add (self->bound, item);
  update_cell (item);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  HsTable *self = g_object_get_data (G_OBJECT (factory), "hs-table");
  GObject *object = g_object_get_data (G_OBJECT (item), "hs-notified");
  GtkWidget *cell = gtk_list_item_get_child (item);
  gulong id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (item), "hs-notify-id"));

  if (object && id)
    g_signal_handler_disconnect (object, id);
  if (GTK_IS_TREE_EXPANDER (cell))
    gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (cell), NULL);
  g_object_set_data (G_OBJECT (item), "hs-notify-id", NULL);
  g_object_set_data (G_OBJECT (item), "hs-notified", NULL);
  if (self->bound)
    g_ptr_array_remove_fast (self->bound, item);
}

void
hs_table_add_column (HsTable         *self,
                     const char      *title,
                     HsTableTextFunc  text,
                     gpointer         user_data,
                     guint            min_chars,
                     gboolean         expand)
{
  hs_table_add_styled_column (self, title, text, NULL, user_data, min_chars, expand);
}

void
hs_table_add_styled_column (HsTable          *self,
                            const char       *title,
                            HsTableTextFunc   text,
                            HsTableStyleFunc  style,
                            gpointer          user_data,
                            guint             min_chars,
                            gboolean          expand)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;
  Column *c;

  g_return_if_fail (HS_IS_TABLE (self));
  g_return_if_fail (text != NULL);

  c = g_new0 (Column, 1);
  c->text = text;
  c->style = style;
  c->user_data = user_data;
  g_ptr_array_add (self->columns, c);
  /* Borrowed: the table outlives its factories. */
  g_object_set_data (G_OBJECT (factory), "hs-table", self);
  g_object_set_data (G_OBJECT (factory), "hs-min-chars", GUINT_TO_POINTER (min_chars));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), c);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), c);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), c);
  column = gtk_column_view_column_new (title, g_object_ref (factory));
  gtk_column_view_column_set_expand (column, expand);
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (self->view, column);
}

GtkSingleSelection *
hs_table_use_single_selection (HsTable *self)
{
  g_autoptr(GtkSingleSelection) selection = NULL;

  g_return_val_if_fail (HS_IS_TABLE (self), NULL);

  selection = gtk_single_selection_new (g_object_ref (self->model));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (selection));
  /* The view keeps it. */
  return selection;
}

void
hs_table_set_tree_column (HsTable *self,
                          guint    column)
{
  g_return_if_fail (HS_IS_TABLE (self));
  g_return_if_fail (GTK_IS_TREE_LIST_MODEL (self->model));
  g_return_if_fail (self->columns->len <= column);
  self->tree_column = column;
}

void
hs_table_set_column_tooltip (HsTable *self,
                             guint    column)
{
  g_return_if_fail (HS_IS_TABLE (self));
  g_return_if_fail (column < self->columns->len);
  ((Column *) g_ptr_array_index (self->columns, column))->tooltip = TRUE;
}

void
hs_table_refresh (HsTable *self)
{
  g_return_if_fail (HS_IS_TABLE (self));
  for (guint i = 0; i < self->bound->len; i++)
    update_cell (g_ptr_array_index (self->bound, i));
}

char *
hs_table_get_text (HsTable *self,
                   guint    row,
                   guint    column)
{
  g_autoptr(GObject) item = NULL;
  Column *c;

  g_return_val_if_fail (HS_IS_TABLE (self), NULL);
  if (column >= self->columns->len || row >= g_list_model_get_n_items (self->model))
    return NULL;
  item = g_list_model_get_item (self->model, row);
  if (GTK_IS_TREE_LIST_ROW (item))
    {
      GObject *inner = unwrap (item);

      g_object_unref (item);
      item = inner;
    }
  c = g_ptr_array_index (self->columns, column);
  return c->text (item, c->user_data);
}

static void
hs_table_dispose (GObject *object)
{
  HsTable *self = HS_TABLE (object);

  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_pointer (&self->bound, g_ptr_array_unref);
  g_clear_pointer (&self->columns, g_ptr_array_unref);
  g_clear_object (&self->model);
  G_OBJECT_CLASS (hs_table_parent_class)->dispose (object);
}

static guint row_activated_signal;

static void
on_activate (HsTable *self,
             guint    position)
{
  g_signal_emit (self, row_activated_signal, 0, position);
}

static void
hs_table_class_init (HsTableClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = hs_table_dispose;
  /**
   * HsTable::row-activated:
   * @position: the row double-clicked or given Enter
   */
  row_activated_signal =
    g_signal_new ("row-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "hs-table");
}

static void
hs_table_init (HsTable *self)
{
  self->tree_column = -1;
  self->columns = g_ptr_array_new_with_free_func (g_free);
  self->bound = g_ptr_array_new ();
  self->scroller = gtk_scrolled_window_new ();
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));
  self->view = GTK_COLUMN_VIEW (gtk_column_view_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->view), "data-table");
  g_signal_connect_swapped (self->view, "activate", G_CALLBACK (on_activate), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), GTK_WIDGET (self->view));
}

GtkWidget *
hs_table_new (GListModel *model,
              const char *accessible_label)
{
  HsTable *self;
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);

  self = g_object_new (HS_TYPE_TABLE, NULL);
  self->model = g_object_ref (model);
  selection = gtk_no_selection_new (g_object_ref (model));
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (selection));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_label, -1);
  return GTK_WIDGET (self);
}
