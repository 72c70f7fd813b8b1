/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-task-list.h: the global task list: every task of every guest, filtered
 * by text, machine and state, sortable by any column, updated in place at
 * each halt.
 *
 * Signals:
 *   task-activated (HsTask *task)                     double-click or Enter on a row
 *   breakpoint-requested (HsTask *task)               the context menu, or Ctrl+B
 *   show-requested (HsTask *task, const char *what)   what is "registers", "stack" or "memory"
 *
 * Actions (on the widget, used by its context menu): task-list.activate,
 * task-list.set-breakpoint, task-list.show (s: what), task-list.popup-menu.
 */
#pragma once

#include <gtk/gtk.h>

#include "hs-task.h"

G_BEGIN_DECLS

/* The columns, in order, for hs_task_list_get_text(). */
typedef enum
{
  HS_TASK_LIST_COLUMN_MACHINE,
  HS_TASK_LIST_COLUMN_PID,
  HS_TASK_LIST_COLUMN_SPACE,
  HS_TASK_LIST_COLUMN_NAME,
  HS_TASK_LIST_COLUMN_STATE,
  HS_TASK_LIST_COLUMN_CPU,
  HS_TASK_LIST_COLUMN_CURRENT,
  HS_TASK_LIST_N_COLUMNS
} HsTaskListColumn;

#define HS_TYPE_TASK_LIST (hs_task_list_get_type ())
G_DECLARE_FINAL_TYPE (HsTaskList, hs_task_list, HS, TASK_LIST, GtkWidget)

GtkWidget *hs_task_list_new                (GListModel *tasks);
void       hs_task_list_focus_search       (HsTaskList *self);
/* A task name (part of it, any case), a pid, "machine:pid", "machine:name" or "machine:". */
void       hs_task_list_set_filter_text    (HsTaskList *self,
                                            const char *text);
/* -1: all machines. */
void       hs_task_list_set_machine_filter (HsTaskList *self,
                                            gint        machine);
/* The first letter of hs_task_get_state_text() ('R', 'S', 'D', ...); 0: all states. */
void       hs_task_list_set_state_filter   (HsTaskList *self,
                                            char        state);
/* Transfer none. */
HsTask    *hs_task_list_get_selected       (HsTaskList *self);
/* Selects @task and scrolls to it; FALSE when the filter hides it. */
gboolean   hs_task_list_select             (HsTaskList *self,
                                            HsTask     *task);
/* The task the window shows (its current context): bold, with an arrow. NULL for none. */
void       hs_task_list_set_current        (HsTaskList *self,
                                            HsTask     *task);
/* Rows after filtering. */
guint      hs_task_list_get_n_rows         (HsTaskList *self);
/* For tests: the text of a cell as shown (filtered and sorted), or NULL outside the list. */
char      *hs_task_list_get_text           (HsTaskList *self,
                                            guint       row,
                                            guint       column);
/* What a double-click on @row does. */
void       hs_task_list_activate_row       (HsTaskList *self,
                                            guint       row);
/* For tests and benchmarks: sorts by @column (as a click on its header does). */
void       hs_task_list_sort_by            (HsTaskList      *self,
                                            HsTaskListColumn column,
                                            GtkSortType      order);
GtkColumnView *hs_task_list_get_view       (HsTaskList *self);

G_END_DECLS
