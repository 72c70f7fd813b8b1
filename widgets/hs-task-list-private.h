/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * hs-task-list-private.h: the task list over two files: the widget, its
 * mirror of the tasks, filtering and actions (hs-task-list.c); its columns,
 * cells and sort keys (hs-task-list-columns.c). GUI thread only.
 */
#pragma once

#include "hs-task-list.h"

G_BEGIN_DECLS

/* What a filter or sort reads that a halt can change (hs_task_update notifies these). */
enum {
  DEP_NAME = 1 << 0,
  DEP_STATE = 1 << 1,
  DEP_CURRENT = 1 << 2,
};

typedef struct
{
  HsTaskList *self;             /* borrowed: the list owns its columns */
  HsTaskListColumn kind;
} Column;

/* The parsed search text. */
typedef struct
{
  char *text;                   /* as typed (stripped); NULL when empty */
  char *needle;                 /* lower-case part of a name, or NULL */
  gint machine;                 /* -1: any */
  gint pid;                     /* -1: any */
  gboolean pid_or_name;         /* a bare number: that pid, or names containing it */
} Query;

struct _HsTaskList
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget *box;
  GtkSearchEntry *search;
  GtkDropDown *machine_drop;
  GtkDropDown *state_drop;
  GtkColumnView *view;
  GMenuModel *context_menu;

  /* Owned */
  GListModel *tasks;
  GListStore *shown;            /* @watched as of the last flush(): what the views see */
  GtkCustomFilter *filter;
  GtkFilterListModel *filtered;
  GtkSortListModel *sorted;
  GtkSingleSelection *selection;
  GtkStringList *machine_names;
  GtkWidget *popover;
  HsTask *current;
  GPtrArray *watched;           /* of HsTask*, a mirror of @tasks with a notify handler each */
  HsTask *probes[2];            /* blank tasks, for get_sort_deps() */
  GHashTable *machine_counts;   /* machine → number of tasks */
  GArray *machines;             /* of gint: the machines in the drop-down after "All" */
  GHashTable *bound;            /* of GtkListItem*: the cells on screen */
  Column columns[HS_TASK_LIST_N_COLUMNS];
  Query query;
  guint refresh_id;

  gint machine_filter;
  char state_filter;
  guint sort_deps;              /* DEP_* the view's sort reads; valid if sort_deps_valid */
  gboolean sort_deps_valid;
  gboolean probing;             /* finding sort_deps: the sort keys record what they read */
  gboolean need_sync;           /* @shown is behind @watched */
  gboolean need_refilter;
  gboolean need_resort;
  gboolean syncing_machines;    /* the machine drop-down is being set from code */
  gboolean setting_text;        /* the search entry is being set from code */
};

typedef struct
{
  const char *title;
  guint chars;                  /* the width it asks for */
  gboolean expand;
  guint deps;                   /* DEP_* its sort key reads */
} ColumnInfo;

extern const ColumnInfo _hs_task_list_column_info[HS_TASK_LIST_N_COLUMNS];

void   _hs_task_list_add_columns   (HsTaskList       *self);
void   _hs_task_list_update_cell   (GtkListItem      *item);
char  *_hs_task_list_cell_text     (HsTaskList       *self,
                                    HsTask           *task,
                                    HsTaskListColumn  kind);
guint  _hs_task_list_get_sort_deps (HsTaskList       *self);

G_END_DECLS
