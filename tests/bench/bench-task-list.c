/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-task-list.c: the global task list with 10,000 synthetic tasks on two machines, under
 * Xvfb.
 *
 *   (a) building the list and drawing its first frame;
 *   (b) a halt refresh: ~10% of the tasks change state and CPU, ~1% die and ~1% are born, applied
 *       to the store in place as hs_engine_apply_tasks() does, until the next frame is drawn
 *       (unsorted at the top and in the middle; sorted by state, which resorts; filtered by
 *       state, which refilters);
 *   (c) scrolling through the whole list, a page per frame.
 *
 * Times come from the window's frame clock (before-paint to after-paint for one frame's work,
 * and from the change to after-paint for what a user waits).
 */
#include "config.h"

#include <gtk/gtk.h>
#include <stdlib.h>
#include <string.h>

#include "hs-task-list.h"
#include "hs-task.h"
#include "hs-widgets.h"

#define N_TASKS   10000
#define N_HALTS   15

static guint n_halts = N_HALTS;

static const guint64 states[] = { 0x0, 0x1, 0x1, 0x1, 0x2, 0x402 };

typedef struct
{
  guint paints;
  gint64 frame_start;            /* before-paint of the last frame */
  gint64 frame_end;              /* after-paint of the last frame */
} Clock;

static void
on_before_paint (GdkFrameClock *clock,
                 Clock         *k)
{
  k->frame_start = g_get_monotonic_time ();
}

static void
on_after_paint (GdkFrameClock *clock,
                Clock         *k)
{
  k->frame_end = g_get_monotonic_time ();
  k->paints++;
}

static gboolean
on_deadline (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until a frame after @since is painted; FALSE if none within @ms. */
static gboolean
wait_paint (Clock *k,
            guint  since,
            guint  ms)
{
  gboolean late = FALSE;
  guint id = g_timeout_add (ms, on_deadline, &late);

  while (k->paints == since && !late)
    g_main_context_iteration (NULL, TRUE);
  if (!late)
    g_source_remove (id);
  return !late;
}

/* ---- a synthetic guest walk ------------------------------------------------------------- */

typedef struct
{
  GArray *records;               /* of HsTaskRecord, in walk order */
  GRand *rand;
  guint64 next_address;
  gint next_pid[3];
} Walk;

static void
add_record (Walk       *w,
            guint       machine,
            gint        pid,
            gint        tgid,
            gboolean    kernel,
            const char *name,
            gint        at)
{
  HsTaskRecord r;

  memset (&r, 0, sizeof r);
  r.machine = machine;
  r.info.task = w->next_address;
  w->next_address += 0x2000;
  r.info.pid = pid;
  r.info.tgid = tgid;
  r.info.ppid = 1;
  r.info.kernel_thread = kernel;
  r.info.is_thread = pid != tgid;
  g_snprintf (r.info.comm, sizeof r.info.comm, "%s", name);
  r.info.state = states[g_rand_int_range (w->rand, 0, G_N_ELEMENTS (states))];
  r.info.cpu = g_rand_int_range (w->rand, 0, 2);
  r.current_vcpu = -1;
  r.core = -1;
  if (at < 0)
    g_array_append_val (w->records, r);
  else
    g_array_insert_val (w->records, at, r);
}

/* A process and its threads (or a kernel thread), at @at or at the end. */
static guint
add_process (Walk *w,
             guint machine,
             gint  at)
{
  static const char *const names[] = { "sh", "logd", "httpd", "worker", "kworker/0:1", "sshd",
                                       "python3", "cron", "dbus-daemon", "systemd-journal" };
  gint pid = w->next_pid[machine]++;
  gboolean kernel = g_rand_int_range (w->rand, 0, 10) == 0;
  guint threads = kernel ? 0 : (guint) g_rand_int_range (w->rand, 0, 4);
  g_autofree char *name = g_strdup_printf ("%s-%d",
                                           names[g_rand_int_range (w->rand, 0,
                                                                   G_N_ELEMENTS (names))],
                                           pid % 100);

  add_record (w, machine, pid, pid, kernel, name, at);
  for (guint t = 0; t < threads; t++)
    add_record (w, machine, w->next_pid[machine]++, pid, FALSE, name, at < 0 ? -1 : at + 1 + (gint) t);
  return 1 + threads;
}

static Walk *
walk_new (void)
{
  Walk *w = g_new0 (Walk, 1);

  w->records = g_array_new (FALSE, TRUE, sizeof (HsTaskRecord));
  g_array_set_clear_func (w->records, hs_task_record_clear);
  w->rand = g_rand_new_with_seed (42);
  w->next_address = 0xffff000020000000ull;
  w->next_pid[1] = w->next_pid[2] = 1;
  for (guint machine = 1; machine <= 2; machine++)
    while (w->records->len < machine * N_TASKS / 2)
      add_process (w, machine, -1);
  g_array_set_size (w->records, N_TASKS);
  /* One task current on each vCPU. */
  g_array_index (w->records, HsTaskRecord, 10).current_vcpu = 0;
  g_array_index (w->records, HsTaskRecord, 10).core = 0;
  g_array_index (w->records, HsTaskRecord, N_TASKS / 2 + 10).current_vcpu = 1;
  return w;
}

static void
walk_free (Walk *w)
{
  g_array_unref (w->records);
  g_rand_free (w->rand);
  g_free (w);
}

/* The next halt: ~10% change state and CPU, ~1% die, ~1% are born (as whole processes). */
static void
walk_halt (Walk *w)
{
  guint n = w->records->len, born = 0;

  /* Low pids (init, the first kernel threads) live on. */
  for (guint i = n; i > 0; i--)
    if (g_rand_int_range (w->rand, 0, 100) == 0
        && g_array_index (w->records, HsTaskRecord, i - 1).info.pid >= 20)
      g_array_remove_index (w->records, i - 1);
  for (guint i = 0; i < w->records->len; i++)
    {
      HsTaskRecord *r = &g_array_index (w->records, HsTaskRecord, i);

      if (g_rand_int_range (w->rand, 0, 10) == 0)
        {
          r->info.state = states[(g_rand_int_range (w->rand, 1, G_N_ELEMENTS (states))
                                  + (r->info.state == 0 ? 0 : 1))
                                 % G_N_ELEMENTS (states)];
          r->info.cpu ^= 1;
        }
    }
  while (born < n / 100)
    {
      guint at = g_rand_int_range (w->rand, 0, w->records->len);
      guint machine = g_array_index (w->records, HsTaskRecord, at).machine;

      born += add_process (w, machine, at);
    }
}

/* ---- hs_engine_apply_tasks(), as the engine does it ------------------------------------ */

static guint
task_hash (gconstpointer key)
{
  const HsTaskRecord *r = key;

  return g_int64_hash (&r->info.task) ^ r->machine;
}

static gboolean
task_equal (gconstpointer a,
            gconstpointer b)
{
  const HsTaskRecord *ra = a;
  const HsTaskRecord *rb = b;

  return ra->machine == rb->machine && ra->info.task == rb->info.task;
}

static void
apply_tasks (GListStore *store,
             GArray     *records)
{
  g_autoptr(GHashTable) fresh = g_hash_table_new (task_hash, task_equal);
  g_autoptr(GHashTable) existing = g_hash_table_new (task_hash, task_equal);
  GListModel *model = G_LIST_MODEL (store);
  guint n, cursor = 0;

  for (guint i = 0; i < records->len; i++)
    {
      HsTaskRecord *r = &g_array_index (records, HsTaskRecord, i);

      g_hash_table_insert (fresh, r, r);
    }
  n = g_list_model_get_n_items (model);
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(HsTask) task = g_list_model_get_item (model, i - 1);

      if (!g_hash_table_contains (fresh, hs_task_get_record (task)))
        g_list_store_remove (store, i - 1);
    }
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      HsTask *task = g_list_model_get_item (model, i);

      g_hash_table_insert (existing, (gpointer) hs_task_get_record (task), task);
      g_object_unref (task);
    }
  for (guint i = 0; i < records->len; i++)
    {
      const HsTaskRecord *r = &g_array_index (records, HsTaskRecord, i);
      HsTask *task = g_hash_table_lookup (existing, r);

      if (task != NULL)
        {
          g_autoptr(HsTask) at_cursor = g_list_model_get_item (model, cursor);

          hs_task_update (task, r);
          if (at_cursor == task)
            cursor++;
        }
      else
        {
          g_autoptr(HsTask) added = hs_task_new (r);

          g_list_store_insert (store, cursor++, added);
        }
    }
}

/* ---- measurements ----------------------------------------------------------------------- */

typedef struct
{
  double sum, worst;
  guint n;
} Stat;

static void
stat_add (Stat   *s,
          double  ms)
{
  s->sum += ms;
  s->worst = MAX (s->worst, ms);
  s->n++;
}

static double
stat_mean (const Stat *s)
{
  return s->n ? s->sum / s->n : 0;
}

/* Whether the list shows @task (alive, and not hidden by the filter). */
static gboolean
list_shows (HsTaskList *list,
            HsTask     *task)
{
  GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (hs_task_list_get_view (list)));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(HsTask) row = g_list_model_get_item (rows, i);

      if (row == task)
        return TRUE;
    }
  return FALSE;
}

static void
bench_halts (const char *what,
             Walk       *walk,
             GListStore *store,
             GtkWidget  *window,
             HsTaskList *list,
             Clock      *k)
{
  Stat total = { 0 }, apply = { 0 }, frame = { 0 };
  /* Held: it may die in a halt. */
  g_autoptr(HsTask) selected = hs_task_list_get_selected (list)
                               ? g_object_ref (hs_task_list_get_selected (list)) : NULL;

  for (guint h = 0; h < n_halts; h++)
    {
      guint paints;
      gint64 t0, t1;

      walk_halt (walk);
      wait_paint (k, k->paints, 50);  /* nothing pending from before */
      paints = k->paints;
      t0 = g_get_monotonic_time ();
      apply_tasks (store, walk->records);
      t1 = g_get_monotonic_time ();
      /* The window has more than the list (a halt changes the status bar): a frame comes. */
      gtk_widget_queue_draw (window);
      if (!wait_paint (k, paints, 5000))
        g_error ("no frame after a halt");
      stat_add (&total, (k->frame_end - t0) / 1000.0);
      stat_add (&apply, (t1 - t0) / 1000.0);
      stat_add (&frame, (k->frame_end - k->frame_start) / 1000.0);
      /* Unless it died or the filter hides it now. */
      if (selected != NULL && hs_task_list_get_selected (list) != selected
          && list_shows (list, selected))
        g_error ("a halt lost the selection");
    }
  g_print ("task-list: %u tasks, halt refresh (%s) mean %.1f ms worst %.1f ms "
           "(apply %.1f ms, frame %.1f ms worst %.1f ms), %u rows\n",
           g_list_model_get_n_items (G_LIST_MODEL (store)), what, stat_mean (&total), total.worst,
           stat_mean (&apply), stat_mean (&frame), frame.worst, hs_task_list_get_n_rows (list));
}

static void
bench_scroll (GListStore *store,
              HsTaskList *list,
              Clock      *k)
{
  GtkAdjustment *adj =
    gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (hs_task_list_get_view (list)));
  Stat frame = { 0 }, latency = { 0 };
  double page = gtk_adjustment_get_page_size (adj);
  gint64 start = g_get_monotonic_time ();

  gtk_adjustment_set_value (adj, 0);
  wait_paint (k, k->paints, 200);
  for (double v = page; v <= gtk_adjustment_get_upper (adj) - page; v += page)
    {
      guint paints = k->paints;
      gint64 t0 = g_get_monotonic_time ();

      gtk_adjustment_set_value (adj, v);
      if (!wait_paint (k, paints, 2000))
        g_error ("no frame after scrolling to %.0f", v);
      stat_add (&frame, (k->frame_end - k->frame_start) / 1000.0);
      stat_add (&latency, (k->frame_end - t0) / 1000.0);
    }
  g_print ("task-list: %u tasks, scrolling %u pages of %.0f px: frame mean %.1f ms worst %.1f ms, "
           "set-to-painted mean %.1f ms worst %.1f ms, %.2f s in all\n",
           g_list_model_get_n_items (G_LIST_MODEL (store)), frame.n, page, stat_mean (&frame),
           frame.worst, stat_mean (&latency), latency.worst,
           (g_get_monotonic_time () - start) / 1e6);
}

/* For profiling one part: HS_BENCH_PHASES=sorted,scroll (unsorted, middle, sorted, filtered,
 * scroll). */
static gboolean
phase (const char *name)
{
  const char *phases = g_getenv ("HS_BENCH_PHASES");
  g_auto(GStrv) list = phases ? g_strsplit (phases, ",", -1) : NULL;

  return list == NULL || g_strv_contains ((const char * const *) list, name);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GListStore) store = g_list_store_new (HS_TYPE_TASK);
  Walk *walk;
  GtkWidget *window;
  HsTaskList *list;
  GdkFrameClock *clock;
  Clock k = { 0 };
  gint64 t0;

  gtk_init ();
  hs_widgets_init ();
  /* For profiling: HS_BENCH_HALTS=2 perf record ... */
  if (g_getenv ("HS_BENCH_HALTS"))
    n_halts = MAX (1, atoi (g_getenv ("HS_BENCH_HALTS")));

  walk = walk_new ();
  {
    g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);

    for (guint i = 0; i < walk->records->len; i++)
      g_ptr_array_add (tasks, hs_task_new (&g_array_index (walk->records, HsTaskRecord, i)));
    g_list_store_splice (store, 0, 0, tasks->pdata, tasks->len);
  }

  /* (a) */
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 800);
  gtk_widget_realize (window);
  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &k);
  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &k);
  t0 = g_get_monotonic_time ();
  list = HS_TASK_LIST (hs_task_list_new (G_LIST_MODEL (store)));
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (list));
  gtk_window_present (GTK_WINDOW (window));
  if (!wait_paint (&k, 0, 10000))
    g_error ("the window was never drawn");
  g_print ("task-list: %u tasks, build and first frame %.1f ms (first frame %.1f ms)\n",
           g_list_model_get_n_items (G_LIST_MODEL (store)), (k.frame_end - t0) / 1000.0,
           (k.frame_end - k.frame_start) / 1000.0);
  /* Let the window settle (maps, a second frame at its final size). */
  for (guint i = 0; i < 5; i++)
    wait_paint (&k, k.paints, 100);

  /* (b) */
  {
    g_autoptr(HsTask) some = g_list_model_get_item (G_LIST_MODEL (store), 5);

    hs_task_list_select (list, some);
    if (phase ("unsorted"))
      bench_halts ("unsorted, at the top", walk, store, window, list, &k);
    if (phase ("middle"))
      {
        GtkAdjustment *adj =
          gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (hs_task_list_get_view (list)));

        gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) / 2);
        wait_paint (&k, k.paints, 200);
        bench_halts ("unsorted, scrolled to the middle", walk, store, window, list, &k);
        gtk_adjustment_set_value (adj, 0);
        wait_paint (&k, k.paints, 200);
      }
    hs_task_list_sort_by (list, HS_TASK_LIST_COLUMN_STATE, GTK_SORT_ASCENDING);
    if (phase ("sorted"))
      bench_halts ("sorted by state", walk, store, window, list, &k);
    hs_task_list_sort_by (list, HS_TASK_LIST_COLUMN_PID, GTK_SORT_ASCENDING);
    hs_task_list_set_state_filter (list, 'S');
    {
      /* A task the filter shows, in the middle. */
      GListModel *rows = G_LIST_MODEL (gtk_column_view_get_model (hs_task_list_get_view (list)));
      g_autoptr(HsTask) shown = g_list_model_get_item (rows, g_list_model_get_n_items (rows) / 2);

      hs_task_list_select (list, shown);
    }
    if (phase ("filtered"))
      bench_halts ("state S, sorted by pid", walk, store, window, list, &k);
    hs_task_list_set_state_filter (list, 0);
  }

  /* (c) */
  if (phase ("scroll"))
    bench_scroll (store, list, &k);

  gtk_window_destroy (GTK_WINDOW (window));
  walk_free (walk);
  return 0;
}
