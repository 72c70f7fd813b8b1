/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-task-list.c: the global task list under Xvfb, on synthetic tasks.
 *
 * Two machines with processes, threads, a kernel thread and a corrupt task,
 * updated in place with hs_task_update() as the engine does at a halt.
 */
#include "config.h"

#include "hs-test-util.h"

#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "hs-task-list.h"
#include "hs-task.h"
#include "hs-widgets.h"

#define STATE_R 0x0
#define STATE_S 0x1
#define STATE_D 0x2
#define STATE_I 0x402
#define STATE_Z 0x20

typedef struct
{
  guint machine;
  gint pid, tgid;
  const char *name;
  guint64 state;
  gint cpu;
  gboolean kernel;
  gint vcpu, core;
  const char *corrupt;
} Spec;

/* Machine 1: init, a shell, a two-threaded daemon, a kernel thread; machine 2: the same names,
 * other pids, and a corrupt task. */
static void
spin (guint ms)
{
  hs_test_spin (ms);
}

static const Spec specs[] = {
  { 1, 1, 1, "init", STATE_S, 0, FALSE, -1, -1, NULL },
  { 1, 2, 2, "kthreadd", STATE_S, 1, TRUE, -1, -1, NULL },
  { 1, 14, 14, "kworker/0:1", STATE_I, 0, TRUE, -1, -1, NULL },
  { 1, 95, 95, "sh", STATE_R, 1, FALSE, 1, 0, NULL },
  { 1, 120, 120, "logd", STATE_S, 0, FALSE, -1, -1, NULL },
  { 1, 121, 120, "logd-writer", STATE_D, 1, FALSE, -1, -1, NULL },
  { 2, 1, 1, "init", STATE_S, 0, FALSE, -1, -1, NULL },
  { 2, 2, 2, "kthreadd", STATE_S, 0, TRUE, -1, -1, NULL },
  { 2, 77, 77, "linux2_ticker", STATE_R, 0, FALSE, 0, -1, NULL },
  { 2, 78, 77, "ticker-worker", STATE_S, 1, FALSE, -1, -1, NULL },
  { 2, 90, 90, "zomb", STATE_Z, 1, FALSE, -1, -1, NULL },
  { 2, 4194305, 4194305, "b?d", STATE_S, -1, FALSE, -1, -1,
    "pid 4194305 is over the kernel's limit of 4194304" },
};

static void
fill_record (HsTaskRecord *r,
             const Spec   *s)
{
  memset (r, 0, sizeof *r);
  r->machine = s->machine;
  r->info.task = 0xffff000010000000ull + s->machine * 0x1000000ull + (guint64) s->pid * 0x1000;
  r->info.pid = s->pid;
  r->info.tgid = s->tgid;
  r->info.ppid = 1;
  g_strlcpy (r->info.comm, s->name, sizeof r->info.comm);
  r->info.state = s->state;
  r->info.kernel_thread = s->kernel;
  r->info.is_thread = s->pid != s->tgid;
  r->info.cpu = s->cpu;
  r->info.corrupt = s->corrupt != NULL;
  r->info.corrupt_reason = (char *) s->corrupt;  /* copied by hs_task_new/update */
  r->current_vcpu = s->vcpu;
  r->core = s->core;
}

static HsTask *
make_task (const Spec *s)
{
  HsTaskRecord r;

  fill_record (&r, s);
  return hs_task_new (&r);
}

typedef struct
{
  GListStore *store;
  GtkWindow *window;
  HsTaskList *list;
  HsTask *activated;
  HsTask *breakpoint;
  HsTask *shown;
  char *what;
} Fixture;

static void
on_activated (HsTaskList *list,
              HsTask     *task,
              Fixture    *fx)
{
  g_set_object (&fx->activated, task);
}

static void
on_breakpoint (HsTaskList *list,
               HsTask     *task,
               Fixture    *fx)
{
  g_set_object (&fx->breakpoint, task);
}

static void
on_show (HsTaskList *list,
         HsTask     *task,
         const char *what,
         Fixture    *fx)
{
  g_set_object (&fx->shown, task);
  g_free (fx->what);
  fx->what = g_strdup (what);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fx->store = g_list_store_new (HS_TYPE_TASK);
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      g_autoptr(HsTask) task = make_task (&specs[i]);

      g_list_store_append (fx->store, task);
    }
  fx->list = HS_TASK_LIST (hs_task_list_new (G_LIST_MODEL (fx->store)));
  g_signal_connect (fx->list, "task-activated", G_CALLBACK (on_activated), fx);
  g_signal_connect (fx->list, "breakpoint-requested", G_CALLBACK (on_breakpoint), fx);
  fx->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fx->window, 900, 420);
  gtk_window_set_child (fx->window, GTK_WIDGET (fx->list));
  g_signal_connect (fx->list, "show-requested", G_CALLBACK (on_show), fx);
  gtk_window_present (fx->window);
  spin (200);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  gtk_window_destroy (fx->window);
  spin (20);
  g_clear_object (&fx->activated);
  g_clear_object (&fx->breakpoint);
  g_clear_object (&fx->shown);
  g_clear_pointer (&fx->what, g_free);
  g_clear_object (&fx->store);
}

static GtkWidget *
find_child (GtkWidget *widget,
            GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_child (c, type);

      if (found)
        return found;
    }
  return NULL;
}

static HsTask *
task_at (Fixture *fx,
         guint    i)
{
  /* The store keeps it. */
  g_autoptr(HsTask) task = g_list_model_get_item (G_LIST_MODEL (fx->store), i);

  return task;
}

static char *
cell (Fixture *fx,
      guint    row,
      guint    column)
{
  return hs_task_list_get_text (fx->list, row, column);
}

static void
assert_cell (Fixture    *fx,
             guint       row,
             guint       column,
             const char *expected)
{
  g_autofree char *text = cell (fx, row, column);

  g_assert_cmpstr (text, ==, expected);
}

/* The rows' names, joined with spaces. */
static char *
names (Fixture *fx)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < hs_task_list_get_n_rows (fx->list); i++)
    {
      g_autofree char *name = cell (fx, i, HS_TASK_LIST_COLUMN_NAME);

      g_string_append_printf (s, "%s%s", i ? " " : "", name);
    }
  return g_string_free (s, FALSE);
}

static void
assert_names (Fixture    *fx,
              const char *expected)
{
  g_autofree char *got = names (fx);

  g_assert_cmpstr (got, ==, expected);
}

static void
test_columns (Fixture       *fx,
              gconstpointer  data)
{
  g_assert_cmpuint (hs_task_list_get_n_rows (fx->list), ==, G_N_ELEMENTS (specs));
  /* Model order while nothing is sorted. */
  assert_cell (fx, 3, HS_TASK_LIST_COLUMN_MACHINE, "1");
  assert_cell (fx, 3, HS_TASK_LIST_COLUMN_PID, "95");
  assert_cell (fx, 3, HS_TASK_LIST_COLUMN_SPACE, "95");
  assert_cell (fx, 3, HS_TASK_LIST_COLUMN_NAME, "sh");
  assert_cell (fx, 3, HS_TASK_LIST_COLUMN_STATE, "R (running)");
  assert_cell (fx, 3, HS_TASK_LIST_COLUMN_CPU, "1");
  assert_cell (fx, 3, HS_TASK_LIST_COLUMN_CURRENT, "● vCPU 1, core 0");
  assert_cell (fx, 8, HS_TASK_LIST_COLUMN_CURRENT, "vCPU 0");
  assert_cell (fx, 2, HS_TASK_LIST_COLUMN_CURRENT, "");
  /* Kernel threads are in the kernel's space; a thread is in its process's. */
  assert_cell (fx, 2, HS_TASK_LIST_COLUMN_SPACE, "0");
  assert_cell (fx, 5, HS_TASK_LIST_COLUMN_SPACE, "120");
  assert_cell (fx, 2, HS_TASK_LIST_COLUMN_STATE, "I (idle)");
  /* The corrupt task is marked. */
  assert_cell (fx, 11, HS_TASK_LIST_COLUMN_STATE, "⚠ S (sleeping)");
  assert_cell (fx, 11, HS_TASK_LIST_COLUMN_CPU, "?");
  g_assert_null (cell (fx, 12, 0));
  g_assert_null (cell (fx, 0, HS_TASK_LIST_N_COLUMNS));

  /* The window's current context: an arrow. */
  hs_task_list_set_current (fx->list, task_at (fx, 3));
  assert_cell (fx, 3, HS_TASK_LIST_COLUMN_CURRENT, "▶ ● vCPU 1, core 0");
  hs_task_list_set_current (fx->list, task_at (fx, 0));
  assert_cell (fx, 3, HS_TASK_LIST_COLUMN_CURRENT, "● vCPU 1, core 0");
  assert_cell (fx, 0, HS_TASK_LIST_COLUMN_CURRENT, "▶ ");
  hs_task_list_set_current (fx->list, NULL);
  assert_cell (fx, 0, HS_TASK_LIST_COLUMN_CURRENT, "");
}

static void
test_filter (Fixture       *fx,
             gconstpointer  data)
{
  /* By name, any case, any part. */
  hs_task_list_set_filter_text (fx->list, "TICK");
  assert_names (fx, "linux2_ticker ticker-worker");
  /* A bare number: that pid, or names with it in them. */
  hs_task_list_set_filter_text (fx->list, "2");
  assert_names (fx, "kthreadd kthreadd linux2_ticker");
  hs_task_list_set_filter_text (fx->list, "95");
  assert_names (fx, "sh");
  /* machine:pid, machine:name, machine: */
  hs_task_list_set_filter_text (fx->list, "2:1");
  assert_names (fx, "init");
  assert_cell (fx, 0, HS_TASK_LIST_COLUMN_MACHINE, "2");
  hs_task_list_set_filter_text (fx->list, " 1:log ");
  assert_names (fx, "logd logd-writer");
  hs_task_list_set_filter_text (fx->list, "2:");
  g_assert_cmpuint (hs_task_list_get_n_rows (fx->list), ==, 6);
  hs_task_list_set_filter_text (fx->list, "nothing-like-it");
  g_assert_cmpuint (hs_task_list_get_n_rows (fx->list), ==, 0);
  hs_task_list_set_filter_text (fx->list, "");
  g_assert_cmpuint (hs_task_list_get_n_rows (fx->list), ==, G_N_ELEMENTS (specs));

  /* The entry shows what was set, and typing in it filters the same way. */
  {
    GtkWidget *entry = find_child (GTK_WIDGET (fx->list), GTK_TYPE_SEARCH_ENTRY);

    g_assert_nonnull (entry);
    hs_task_list_set_filter_text (fx->list, "logd");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "logd");
    gtk_editable_set_text (GTK_EDITABLE (entry), "zo");
    spin (400);  /* the entry's typing delay */
    assert_names (fx, "zomb");
    gtk_editable_set_text (GTK_EDITABLE (entry), "");
    spin (400);
    g_assert_cmpuint (hs_task_list_get_n_rows (fx->list), ==, G_N_ELEMENTS (specs));
  }
}

static void
test_filter_drop_downs (Fixture       *fx,
                        gconstpointer  data)
{
  /* By machine and by state, and everything together. */
  hs_task_list_set_machine_filter (fx->list, 1);
  g_assert_cmpuint (hs_task_list_get_n_rows (fx->list), ==, 6);
  hs_task_list_set_state_filter (fx->list, 'S');
  assert_names (fx, "init kthreadd logd");
  hs_task_list_set_filter_text (fx->list, "k");
  assert_names (fx, "kthreadd");
  hs_task_list_set_machine_filter (fx->list, -1);
  assert_names (fx, "kthreadd kthreadd ticker-worker");
  hs_task_list_set_filter_text (fx->list, NULL);
  hs_task_list_set_state_filter (fx->list, 'Z');
  assert_names (fx, "zomb");
  hs_task_list_set_state_filter (fx->list, 'I');
  assert_names (fx, "kworker/0:1");
  hs_task_list_set_state_filter (fx->list, 0);
  g_assert_cmpuint (hs_task_list_get_n_rows (fx->list), ==, G_N_ELEMENTS (specs));

  /* A machine that appears gets an entry in the drop-down; one whose last task dies loses it. */
  {
    static const Spec extra = { 3, 1, 1, "init", STATE_S, 0, FALSE, -1, -1, NULL };
    g_autoptr(HsTask) task = make_task (&extra);
    guint n = G_N_ELEMENTS (specs);

    GtkDropDown *machines = GTK_DROP_DOWN (find_child (GTK_WIDGET (fx->list),
                                                       GTK_TYPE_DROP_DOWN));
    GListModel *entries = gtk_drop_down_get_model (machines);

    g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 3);
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (entries), 0), ==,
                     "All machines");
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (entries), 2), ==, "Machine 2");
    g_list_store_append (fx->store, task);
    g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 4);
    g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (entries), 3), ==, "Machine 3");
    hs_task_list_set_machine_filter (fx->list, 3);
    g_assert_cmpuint (gtk_drop_down_get_selected (machines), ==, 3);
    assert_names (fx, "init");
    /* Choosing in the drop-down is the same. */
    gtk_drop_down_set_selected (machines, 2);
    g_assert_cmpuint (hs_task_list_get_n_rows (fx->list), ==, 6);
    gtk_drop_down_set_selected (machines, 0);
    g_assert_cmpuint (hs_task_list_get_n_rows (fx->list), ==, n + 1);
    g_list_store_remove (fx->store, n);
    g_assert_cmpuint (hs_task_list_get_n_rows (fx->list), ==, n);
    g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 3);

    /* The machine shown keeps its entry while it has no tasks, then loses it. */
    hs_task_list_set_machine_filter (fx->list, 7);
    g_assert_cmpuint (hs_task_list_get_n_rows (fx->list), ==, 0);
    g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 4);
    g_assert_cmpuint (gtk_drop_down_get_selected (machines), ==, 3);
    hs_task_list_set_machine_filter (fx->list, 1);
    g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 3);
    g_assert_cmpuint (gtk_drop_down_get_selected (machines), ==, 1);
    g_assert_cmpuint (hs_task_list_get_n_rows (fx->list), ==, 6);
  }
}

static void
test_sort (Fixture       *fx,
           gconstpointer  data)
{
  GtkColumnView *view = hs_task_list_get_view (fx->list);
  g_autoptr(GtkColumnViewColumn) pid_column =
    g_list_model_get_item (gtk_column_view_get_columns (view), HS_TASK_LIST_COLUMN_PID);

  /* What a click on a header does. */
  gtk_column_view_sort_by_column (view, pid_column, GTK_SORT_DESCENDING);
  assert_cell (fx, 0, HS_TASK_LIST_COLUMN_PID, "4194305");
  assert_cell (fx, 1, HS_TASK_LIST_COLUMN_PID, "121");
  /* Numbers as numbers, not as text. */
  gtk_column_view_sort_by_column (view, pid_column, GTK_SORT_ASCENDING);
  assert_cell (fx, 0, HS_TASK_LIST_COLUMN_PID, "1");
  assert_cell (fx, 4, HS_TASK_LIST_COLUMN_PID, "14");
  assert_cell (fx, 11, HS_TASK_LIST_COLUMN_PID, "4194305");

  hs_task_list_sort_by (fx->list, HS_TASK_LIST_COLUMN_NAME, GTK_SORT_ASCENDING);
  assert_cell (fx, 0, HS_TASK_LIST_COLUMN_NAME, "b?d");
  assert_cell (fx, 11, HS_TASK_LIST_COLUMN_NAME, "zomb");
  hs_task_list_sort_by (fx->list, HS_TASK_LIST_COLUMN_STATE, GTK_SORT_ASCENDING);
  assert_cell (fx, 0, HS_TASK_LIST_COLUMN_STATE, "D (disk sleep)");
  assert_cell (fx, 11, HS_TASK_LIST_COLUMN_STATE, "Z (zombie)");
  hs_task_list_sort_by (fx->list, HS_TASK_LIST_COLUMN_CURRENT, GTK_SORT_ASCENDING);
  assert_names (fx, "linux2_ticker sh init kthreadd kworker/0:1 logd logd-writer init kthreadd "
                    "ticker-worker zomb b?d");
  hs_task_list_sort_by (fx->list, HS_TASK_LIST_COLUMN_MACHINE, GTK_SORT_DESCENDING);
  assert_cell (fx, 0, HS_TASK_LIST_COLUMN_MACHINE, "2");
  assert_cell (fx, 11, HS_TASK_LIST_COLUMN_MACHINE, "1");
  hs_task_list_sort_by (fx->list, HS_TASK_LIST_COLUMN_CPU, GTK_SORT_DESCENDING);
  assert_cell (fx, 0, HS_TASK_LIST_COLUMN_CPU, "1");
  assert_cell (fx, 11, HS_TASK_LIST_COLUMN_CPU, "?");
  /* Sorting and filtering together. */
  hs_task_list_sort_by (fx->list, HS_TASK_LIST_COLUMN_PID, GTK_SORT_DESCENDING);
  hs_task_list_set_filter_text (fx->list, "1:");
  assert_names (fx, "logd-writer logd sh kworker/0:1 kthreadd init");
}

/* A halt as the engine applies it: the same objects, updated in place. */
static void
halt_update (Fixture *fx,
             guint    index,
             guint64  state,
             gint     cpu)
{
  HsTaskRecord r;

  fill_record (&r, &specs[index]);
  r.info.state = state;
  r.info.cpu = cpu;
  g_assert_true (hs_task_update (task_at (fx, index), &r));
}

static void
test_update_in_place (Fixture       *fx,
                      gconstpointer  data)
{
  HsTask *logd = task_at (fx, 4);
  GtkAdjustment *vadj;

  g_assert_true (hs_task_list_select (fx->list, logd));
  g_assert_true (hs_task_list_get_selected (fx->list) == logd);
  assert_cell (fx, 4, HS_TASK_LIST_COLUMN_STATE, "S (sleeping)");

  halt_update (fx, 4, STATE_D, 1);
  spin (50);
  assert_cell (fx, 4, HS_TASK_LIST_COLUMN_STATE, "D (disk sleep)");
  assert_cell (fx, 4, HS_TASK_LIST_COLUMN_CPU, "1");
  g_assert_true (hs_task_list_get_selected (fx->list) == logd);
  g_assert_cmpuint (hs_task_list_get_n_rows (fx->list), ==, G_N_ELEMENTS (specs));

  /* Sorted by state: the row moves after the halt, and stays selected. */
  hs_task_list_sort_by (fx->list, HS_TASK_LIST_COLUMN_STATE, GTK_SORT_ASCENDING);
  assert_cell (fx, 0, HS_TASK_LIST_COLUMN_NAME, "logd");
  halt_update (fx, 4, STATE_Z, 1);
  spin (50);
  /* Among the zombies, in the order they had (the sort is stable). */
  assert_cell (fx, 0, HS_TASK_LIST_COLUMN_NAME, "logd-writer");
  assert_cell (fx, 10, HS_TASK_LIST_COLUMN_NAME, "logd");
  assert_cell (fx, 11, HS_TASK_LIST_COLUMN_NAME, "zomb");
  g_assert_true (hs_task_list_get_selected (fx->list) == logd);

  /* Filtered by state: a task that leaves the state leaves the list. */
  hs_task_list_set_state_filter (fx->list, 'R');
  assert_names (fx, "sh linux2_ticker");
  halt_update (fx, 3, STATE_S, 1);
  spin (50);
  assert_names (fx, "linux2_ticker");
  halt_update (fx, 3, STATE_R, 1);
  spin (50);
  hs_task_list_set_state_filter (fx->list, 0);

  /* Tasks that die and are born: the selection and the scroll position stay. */
  vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (hs_task_list_get_view (fx->list)));
  g_assert_nonnull (vadj);
  hs_task_list_sort_by (fx->list, HS_TASK_LIST_COLUMN_PID, GTK_SORT_ASCENDING);
  g_assert_true (hs_task_list_select (fx->list, logd));
  {
    static const Spec born = { 1, 300, 300, "newborn", STATE_R, 0, FALSE, -1, -1, NULL };
    g_autoptr(HsTask) task = make_task (&born);

    g_list_store_remove (fx->store, 10);  /* zomb */
    g_list_store_insert (fx->store, 6, task);
  }
  spin (50);
  g_assert_true (hs_task_list_get_selected (fx->list) == logd);
  g_assert_cmpuint (hs_task_list_get_n_rows (fx->list), ==, G_N_ELEMENTS (specs));
  assert_cell (fx, 10, HS_TASK_LIST_COLUMN_NAME, "newborn");
}

/* Many tasks, scrolled to the middle: a halt keeps what is on screen and the selection. */
static void
test_scroll_kept (Fixture       *fx,
                  gconstpointer  data)
{
  GtkAdjustment *vadj =
    gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (hs_task_list_get_view (fx->list)));
  guint first = g_list_model_get_n_items (G_LIST_MODEL (fx->store));
  g_autoptr(GPtrArray) more = g_ptr_array_new_with_free_func (g_object_unref);
  HsTask *target;
  double before, after;

  for (guint i = 0; i < 2000; i++)
    {
      Spec spec = { 1 + i % 2, 1000 + i, 1000 + i, "filler", STATE_S, (gint) (i % 2), FALSE,
                    -1, -1, NULL };

      g_ptr_array_add (more, make_task (&spec));
    }
  g_list_store_splice (fx->store, first, 0, more->pdata, more->len);
  target = task_at (fx, first + 1000);
  g_assert_true (hs_task_list_select (fx->list, target));
  spin (300);
  before = gtk_adjustment_get_value (vadj);
  g_assert_cmpfloat (before, >, 0);

  /* A halt: tasks above die and are born one at a time, as the engine does, and some change. */
  for (guint i = 0; i < 5; i++)
    g_list_store_remove (fx->store, first + 10);
  for (guint i = 0; i < 5; i++)
    {
      Spec spec = { 1, 9000 + i, 9000 + i, "newborn", STATE_R, 0, FALSE, -1, -1, NULL };
      g_autoptr(HsTask) task = make_task (&spec);

      g_list_store_insert (fx->store, first + 20, task);
    }
  for (guint i = first; i < first + 1500; i += 7)
    {
      HsTask *task = task_at (fx, i);
      HsTaskRecord r = *hs_task_get_record (task);

      r.info.state = STATE_D;
      r.info.corrupt_reason = NULL;
      hs_task_update (task, &r);
    }
  spin (300);
  after = gtk_adjustment_get_value (vadj);
  g_test_message ("scrolled to %.0f px before the halt, %.0f px after", before, after);
  g_assert_true (hs_task_list_get_selected (fx->list) == target);
  g_assert_cmpfloat (fabs (after - before), <, 100);

  /* Sorted by state, where the halt moves rows: the selection stays, and so does the view. */
  hs_task_list_sort_by (fx->list, HS_TASK_LIST_COLUMN_STATE, GTK_SORT_ASCENDING);
  g_assert_true (hs_task_list_select (fx->list, target));
  spin (300);
  before = gtk_adjustment_get_value (vadj);
  for (guint i = first; i < first + 1500; i += 7)
    {
      HsTask *task = task_at (fx, i);
      HsTaskRecord r = *hs_task_get_record (task);

      r.info.state = STATE_S;
      r.info.corrupt_reason = NULL;
      hs_task_update (task, &r);
    }
  spin (300);
  after = gtk_adjustment_get_value (vadj);
  g_test_message ("sorted: scrolled to %.0f px before the halt, %.0f px after", before, after);
  g_assert_true (hs_task_list_get_selected (fx->list) == target);
  g_assert_cmpfloat (after, >, 0);
}

/* GTK 4 cannot inject key presses: run what the list's shortcut for @key would run. */
static gboolean
press_shortcut (Fixture         *fx,
                guint            key,
                GdkModifierType  mods)
{
  GtkWidget *view = GTK_WIDGET (hs_task_list_get_view (fx->list));
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (view);
  g_autoptr(GtkShortcutTrigger) trigger = gtk_keyval_trigger_new (key, mods);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), trigger))
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, view,
                                                 NULL);
        }
    }
  return FALSE;
}

static GtkWidget *
find_popover (Fixture *fx)
{
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (fx->list)); c;
       c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_POPOVER_MENU (c))
      return c;
  return NULL;
}

static void
test_signals (Fixture       *fx,
              gconstpointer  data)
{
  HsTask *sh = task_at (fx, 3);

  /* A double-click. */
  hs_task_list_activate_row (fx->list, 3);
  g_assert_true (fx->activated == sh);
  g_assert_true (hs_task_list_get_selected (fx->list) == sh);

  /* The context menu's actions act on the selected task. */
  g_assert_true (hs_task_list_select (fx->list, task_at (fx, 8)));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->list), "task-list.set-breakpoint",
                                             NULL));
  g_assert_true (fx->breakpoint == task_at (fx, 8));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->list), "task-list.show", "s",
                                             "registers"));
  g_assert_true (fx->shown == task_at (fx, 8));
  g_assert_cmpstr (fx->what, ==, "registers");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->list), "task-list.show", "s",
                                             "stack"));
  g_assert_cmpstr (fx->what, ==, "stack");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->list), "task-list.show", "s",
                                             "memory"));
  g_assert_cmpstr (fx->what, ==, "memory");
  g_clear_object (&fx->activated);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx->list), "task-list.activate", NULL));
  g_assert_true (fx->activated == task_at (fx, 8));

  /* Ctrl+B on the list. */
  g_clear_object (&fx->breakpoint);
  g_assert_true (press_shortcut (fx, GDK_KEY_b, GDK_CONTROL_MASK));
  g_assert_true (fx->breakpoint == task_at (fx, 8));

  /* The menu itself opens with the Menu key and Shift+F10, then closes. */
  g_assert_true (press_shortcut (fx, GDK_KEY_Menu, 0));
  spin (100);
  g_assert_nonnull (find_popover (fx));
  g_assert_true (gtk_widget_get_visible (find_popover (fx)));
  gtk_popover_popdown (GTK_POPOVER (find_popover (fx)));
  spin (100);
  g_assert_false (gtk_widget_get_visible (find_popover (fx)));
  g_assert_true (press_shortcut (fx, GDK_KEY_F10, GDK_SHIFT_MASK));
  spin (100);
  g_assert_true (gtk_widget_get_visible (find_popover (fx)));
  gtk_popover_popdown (GTK_POPOVER (find_popover (fx)));

  /* Nothing selected: the actions are off and say nothing. */
  hs_task_list_set_filter_text (fx->list, "nothing-like-it");
  g_assert_null (hs_task_list_get_selected (fx->list));
  g_clear_object (&fx->breakpoint);
  gtk_widget_activate_action (GTK_WIDGET (fx->list), "task-list.set-breakpoint", NULL);
  g_assert_null (fx->breakpoint);
}

static void
test_png (Fixture       *fx,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *png = g_test_build_filename (G_TEST_BUILT, "widgets", "hs-task-list.png",
                                                 NULL);

  hs_task_list_set_current (fx->list, task_at (fx, 3));
  g_assert_true (hs_task_list_select (fx->list, task_at (fx, 8)));
  hs_task_list_sort_by (fx->list, HS_TASK_LIST_COLUMN_MACHINE, GTK_SORT_ASCENDING);
  spin (300);
  g_assert_true (hs_widget_save_png (GTK_WIDGET (fx->window), png, &error));
  g_assert_no_error (error);
  g_test_message ("saved %s", png);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  hs_widgets_init ();

#define ADD(path, func) \
  g_test_add ("/Hs/TaskList/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("columns", test_columns);
  ADD ("filter-text", test_filter);
  ADD ("filter-machine-state", test_filter_drop_downs);
  ADD ("sort", test_sort);
  ADD ("update-in-place", test_update_in_place);
  ADD ("scroll-kept", test_scroll_kept);
  ADD ("signals", test_signals);
  ADD ("png", test_png);
#undef ADD
  return g_test_run ();
}
