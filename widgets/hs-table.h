/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-table.h: a column view over a list model of stable objects whose cells
 * are computed by functions and follow their item's notifications, so a halt
 * redraws only what changed.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef char *(*HsTableTextFunc) (GObject  *item,
                                  gpointer  user_data);
/* A CSS class for the cell (e.g. "hs-changed"), or NULL. */
typedef const char *(*HsTableStyleFunc) (GObject  *item,
                                         gpointer  user_data);

#define HS_TYPE_TABLE (hs_table_get_type ())
G_DECLARE_FINAL_TYPE (HsTable, hs_table, HS, TABLE, GtkWidget)

GtkWidget *hs_table_new        (GListModel      *model,
                                const char      *accessible_label);
void       hs_table_add_column (HsTable         *self,
                                const char      *title,
                                HsTableTextFunc  text,
                                gpointer         user_data,
                                guint            min_chars,
                                gboolean         expand);
void       hs_table_add_styled_column (HsTable          *self,
                                       const char       *title,
                                       HsTableTextFunc   text,
                                       HsTableStyleFunc  style,
                                       gpointer          user_data,
                                       guint             min_chars,
                                       gboolean          expand);
/* ::row-activated (guint position): a double-click or Enter on a row. */
/* Rows become selectable one at a time; the selection is the table's. */
GtkSingleSelection *hs_table_use_single_selection (HsTable *self);
/* The model is a GtkTreeListModel: @column (added later) shows the expanders, and the cells
 * show and follow the rows' items. Call before adding that column. */
void       hs_table_set_tree_column    (HsTable *self,
                                        guint    column);
/* The column's cells carry their full text as a tooltip (for ellipsized values). */
void       hs_table_set_column_tooltip (HsTable *self,
                                        guint    column);
/* Recomputes every visible cell (for facts the items do not notify about). */
void       hs_table_refresh    (HsTable         *self);
/* The text of a cell, for tests; NULL outside the table. */
char      *hs_table_get_text   (HsTable         *self,
                                guint            row,
                                guint            column);

G_END_DECLS
