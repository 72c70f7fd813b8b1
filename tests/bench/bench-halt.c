/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-halt.c: how long a Break takes on the real demo board, from the
 * request to a complete register snapshot of all four cores, and how many
 * packets that costs. Also the raw physical read rate. Prints numbers; the
 * thresholds live in issues, not here.
 */
#include "config.h"

#include <stdio.h>

#include "hs-board.h"
#include "hs-engine.h"
#include "probe/hs-probe-gdb.h"

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

int
main (void)
{
  g_autoptr(HsBoard) board = hs_board_new ();
  g_autoptr(HsEngine) engine = hs_engine_new ();
  g_autoptr(HsProbeGdb) probe = NULL;
  g_autoptr(GError) error = NULL;
  double total_ms = 0, worst_ms = 0;
  guint64 packets = 0;

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

  for (guint i = 0; i < CYCLES; i++)
    {
      gint64 t0;
      double ms;
      guint64 p0;

      if (hs_engine_get_state (engine) == HS_ENGINE_STATE_HALTED)
        {
          hs_engine_go_async (engine, NULL, store, NULL);
          g_assert_true (hs_engine_go_finish (engine, wait_result (), NULL));
          take ();
        }
      g_usleep (50 * 1000);
      p0 = hs_probe_gdb_get_n_packets (probe);
      t0 = g_get_monotonic_time ();
      hs_engine_halt_async (engine, NULL, store, NULL);
      g_assert_true (hs_engine_halt_finish (engine, wait_result (), NULL));
      take ();
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      packets += hs_probe_gdb_get_n_packets (probe) - p0;
      total_ms += ms;
      worst_ms = MAX (worst_ms, ms);
    }
  printf ("halt to full snapshot (4 cores, %u registers each): mean %.1f ms, worst %.1f ms, "
          "%.0f packets per halt, over %d halts\n",
          hs_engine_get_register_infos (engine)->len, total_ms / CYCLES, worst_ms,
          (double) packets / CYCLES, CYCLES);

  {
    const gsize len = 1 << 20;
    gint64 t0 = g_get_monotonic_time ();
    g_autoptr(GBytes) bytes = NULL;
    double s;

    hs_engine_read_physical_async (engine, 0x40000000, len, NULL, store, NULL);
    bytes = hs_engine_read_physical_finish (engine, wait_result (), &error);
    take ();
    g_assert_no_error (error);
    s = (g_get_monotonic_time () - t0) / 1e6;
    printf ("physical read, uncached: 1 MiB in %.3f s (%.1f MiB/s)\n", s, 1.0 / s);
  }

  hs_board_stop (board);
  return 0;
}
