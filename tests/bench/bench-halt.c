/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-halt.c: how long a Break takes on the real demo board, from the
 * request to a complete register snapshot of all four cores — first bare,
 * then with Xen's and both guests' symbols loaded, when a halt also reads
 * the guest list and the tasks the vCPUs run, and then, behind it, every
 * task of both guests — and how many packets and round trips that costs; a
 * single step of a core in guest user code; and the physical read rate next
 * to gdb-multiarch's on the same stub (`dump binary memory`, in the same
 * run). Prints RESULT lines (packets_per_halt, round_trips_per_halt,
 * read_vs_gdb, ...); the thresholds live in issues, not here.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "hs-board.h"
#include "hs-engine.h"
#include "hs-interp.h"
#include "hs-probe-gdb.h"

#define CYCLES 20

static GAsyncResult *result;

static void
store (GObject      *object,
       GAsyncResult *res,
       gpointer      user_data)
{
  result = g_object_ref (res);
}

static GAsyncResult *
wait_result (void)
{
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return result;
}

static void
take (void)
{
  g_clear_object (&result);
}

static gboolean
wait_for_lists (HsEngine *engine)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (hs_engine_get_tasks_pending (engine))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

typedef struct
{
  double halt_ms;               /* Break to the halt's first look (the views could paint) */
  double lists_ms;              /* Break to every task of every guest read */
  double packets;
  double round_trips;
} Cost;

static Cost
measure (HsEngine   *engine,
         HsProbeGdb *probe,
         const char *what)
{
  double total_ms = 0, worst_ms = 0, lists_ms = 0;
  guint64 packets = 0, trips = 0;
  Cost cost;

  for (guint i = 0; i < CYCLES; i++)
    {
      gint64 t0;
      double ms;
      guint64 p0, r0;

      if (hs_engine_get_state (engine) == HS_ENGINE_STATE_HALTED)
        {
          hs_engine_go_async (engine, NULL, store, NULL);
          g_assert_true (hs_engine_go_finish (engine, wait_result (), NULL));
          take ();
        }
      g_usleep (50 * 1000);
      p0 = hs_probe_gdb_get_n_packets (probe);
      r0 = hs_probe_gdb_get_n_round_trips (probe);
      t0 = g_get_monotonic_time ();
      hs_engine_halt_async (engine, NULL, store, NULL);
      g_assert_true (hs_engine_halt_finish (engine, wait_result (), NULL));
      take ();
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_assert_true (wait_for_lists (engine));
      lists_ms += (g_get_monotonic_time () - t0) / 1000.0;
      packets += hs_probe_gdb_get_n_packets (probe) - p0;
      trips += hs_probe_gdb_get_n_round_trips (probe) - r0;
      total_ms += ms;
      worst_ms = MAX (worst_ms, ms);
    }
  cost = (Cost) { total_ms / CYCLES, lists_ms / CYCLES, (double) packets / CYCLES,
                  (double) trips / CYCLES };
  if (what != NULL)
    printf ("halt, %s: first look mean %.1f ms (worst %.1f ms), every task read %.1f ms, "
            "%.0f packets and %.0f round trips per halt, over %d halts\n", what, cost.halt_ms,
            worst_ms, cost.lists_ms, cost.packets, cost.round_trips, CYCLES);
  return cost;
}

/* Steps @n times a core that runs a guest's user code, if a halt finds one; the median. */
static double
measure_steps (HsEngine *engine,
               guint     n)
{
  g_autofree double *ms = g_new0 (double, n);
  guint core = G_MAXUINT;

  for (guint attempt = 0; attempt < 20 && core == G_MAXUINT; attempt++)
    {
      hs_engine_go_async (engine, NULL, store, NULL);
      g_assert_true (hs_engine_go_finish (engine, wait_result (), NULL));
      take ();
      g_usleep (30 * 1000);
      hs_engine_halt_async (engine, NULL, store, NULL);
      g_assert_true (hs_engine_halt_finish (engine, wait_result (), NULL));
      take ();
      g_assert_true (wait_for_lists (engine));
      for (guint c = 0; c < hs_engine_get_n_cores (engine) && core == G_MAXUINT; c++)
        if (hs_core_get_exception_level (hs_engine_get_core (engine, c)) == 0)
          core = c;
    }
  if (core == G_MAXUINT)
    return -1;
  for (guint i = 0; i < n; i++)
    {
      gint64 t0 = g_get_monotonic_time ();

      hs_engine_step_async (engine, core, NULL, store, NULL);
      g_assert_true (hs_engine_step_finish (engine, wait_result (), NULL));
      take ();
      g_assert_true (wait_for_lists (engine));
      ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
    }
  for (guint i = 1; i < n; i++)
    for (guint k = i; k > 0 && ms[k - 1] > ms[k]; k--)
      {
        double t = ms[k];

        ms[k] = ms[k - 1];
        ms[k - 1] = t;
      }
  printf ("single step of core %u (guest user code), until every task is read again: median "
          "%.1f ms over %u steps\n", core, ms[n / 2], n);
  return ms[n / 2];
}

/* gdb-multiarch's `dump binary memory` of @len bytes of physical memory from @port, in
 * seconds: the best of three, less the best of three 4 KiB dumps, so gdb's start and connect do
 * not count. -1 when gdb-multiarch is not there or fails. */
static double
gdb_dump_seconds (guint16 port,
                  guint64 address,
                  gsize   len)
{
  g_autofree char *gdb = g_find_program_in_path ("gdb-multiarch");
  g_autofree char *dir = g_dir_make_tmp ("hs-bench-XXXXXX", NULL);
  double t[2] = { G_MAXDOUBLE, G_MAXDOUBLE };

  if (gdb == NULL || dir == NULL)
    return -1;
  for (guint run = 0; run < 6; run++)
    {
      guint pass = run % 2;
      gsize n = pass == 0 ? 4096 : len;
      g_autofree char *out = g_build_filename (dir, "dump.bin", NULL);
      g_autofree char *target = g_strdup_printf ("target remote 127.0.0.1:%u", port);
      g_autofree char *dump = g_strdup_printf ("dump binary memory %s 0x%" G_GINT64_MODIFIER "x "
                                               "0x%" G_GINT64_MODIFIER "x", out, address,
                                               address + n);
      const char *argv[] = {
        gdb, "-nx", "-batch", "-ex", "set architecture aarch64", "-ex", target,
        "-ex", "maintenance packet Qqemu.PhyMemMode:1", "-ex", dump,
        "-ex", "maintenance packet Qqemu.PhyMemMode:0", "-ex", "detach", NULL,
      };
      gint64 t0 = g_get_monotonic_time ();
      gint status = 0;
      GStatBuf st;

      if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL
                         | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL)
          || !g_spawn_check_wait_status (status, NULL) || g_stat (out, &st) != 0
          || (gsize) st.st_size != n)
        {
          g_remove (out);
          g_rmdir (dir);
          return -1;
        }
      t[pass] = MIN (t[pass], (g_get_monotonic_time () - t0) / 1e6);
      g_remove (out);
    }
  g_rmdir (dir);
  return t[1] - t[0];
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HsBoard) board = hs_board_new ();
  g_autoptr(HsEngine) engine = hs_engine_new ();
  g_autoptr(HsProbeGdb) probe = NULL;
  g_autoptr(GError) error = NULL;
  double step_ms;
  Cost cost;

  for (int i = 1; i + 1 < argc; i++)
    if (strcmp (argv[i], "--tasks") == 0)
      hs_board_set_extra_tasks (board, (guint) g_ascii_strtoull (argv[i + 1], NULL, 10));
  hs_board_start_async (board, NULL, store, NULL);
  if (!hs_board_start_finish (board, wait_result (), &error))
    {
      fprintf (stderr, "board: %s\n", error->message);
      return 1;
    }
  take ();
  probe = hs_probe_gdb_new ("127.0.0.1", hs_board_get_gdb_port (board));
  hs_engine_attach_async (engine, HS_PROBE (probe), NULL, store, NULL);
  if (!hs_engine_attach_finish (engine, wait_result (), &error))
    {
      fprintf (stderr, "attach: %s\n", error->message);
      return 1;
    }
  take ();

  measure (engine, probe, "bare");

  /* The demo's session: Xen's and the guests' symbols. */
  {
    g_autoptr(HsInterp) interp = hs_interp_new (engine);
    g_autofree char *session = hs_board_get_session_script (board);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents (session, &text, NULL, &error))
      {
        fprintf (stderr, "session: %s\n", error->message);
        return 1;
      }
    lines = g_strsplit (text, "\n", -1);
    for (guint i = 0; lines[i]; i++)
      {
        g_autofree char *out = NULL;

        hs_interp_execute_async (interp, lines[i], NULL, store, NULL);
        out = hs_interp_execute_finish (interp, wait_result (), &error);
        take ();
        if (out == NULL)
          {
            fprintf (stderr, "%s: %s\n", lines[i], error->message);
            return 1;
          }
      }
  }
  /* One halt to build the per-vmlinux layouts (DWARF), which happens once per session. */
  measure (engine, probe, NULL);
  cost = measure (engine, probe, "with the guest list and both guests' tasks");
  printf ("tasks read: %u\n", g_list_model_get_n_items (hs_engine_get_tasks (engine)));
  printf ("RESULT halt_ms %.1f ms\n", cost.halt_ms);
  printf ("RESULT packets_per_halt %.0f packets\n", cost.packets);
  printf ("RESULT round_trips_per_halt %.0f round-trips\n", cost.round_trips);
  step_ms = measure_steps (engine, 40);
  if (step_ms >= 0)
    printf ("RESULT step_engine_ms %.1f ms\n", step_ms);

  /* Physical reads, ours (the best of three; each halt's cache is dropped by a Go) then gdb's,
   * of the same 4 MiB on the same stub. */
  {
    const gsize len = 4 << 20;
    const guint64 address = 0x40000000;
    double ours = G_MAXDOUBLE, theirs;

    for (guint run = 0; run < 3; run++)
      {
        g_autoptr(GBytes) bytes = NULL;
        gint64 t0;

        hs_engine_go_async (engine, NULL, store, NULL);
        g_assert_true (hs_engine_go_finish (engine, wait_result (), NULL));
        take ();
        hs_engine_halt_async (engine, NULL, store, NULL);
        g_assert_true (hs_engine_halt_finish (engine, wait_result (), NULL));
        take ();
        g_assert_true (wait_for_lists (engine));
        t0 = g_get_monotonic_time ();
        hs_engine_read_physical_async (engine, address, len, NULL, store, NULL);
        bytes = hs_engine_read_physical_finish (engine, wait_result (), &error);
        take ();
        g_assert_no_error (error);
        ours = MIN (ours, (g_get_monotonic_time () - t0) / 1e6);
      }
    printf ("physical read, uncached: 4 MiB in %.3f s (%.1f MiB/s)\n", ours, 4 / ours);

    /* The stub takes one debugger at a time: ours lets the board run and goes. */
    hs_engine_detach_async (engine, NULL, store, NULL);
    g_free (hs_engine_detach_finish (engine, wait_result (), NULL));
    take ();
    theirs = gdb_dump_seconds (hs_board_get_gdb_port (board), address, len);
    if (theirs > 0)
      {
        printf ("gdb-multiarch dump binary memory: 4 MiB in %.3f s (%.1f MiB/s)\n", theirs,
                4 / theirs);
        printf ("RESULT read_vs_gdb %.2f x\n", theirs / ours);
      }
    else
      printf ("gdb-multiarch is not installed or failed: no comparison\n");
  }

  hs_board_stop (board);
  return 0;
}
