/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-halt.c: how long a Break takes on the real demo board, from the
 * request to a complete register snapshot of all four cores — first bare,
 * then with Xen's and both guests' symbols loaded, when a halt also reads
 * the guest list and every task of both guests — and how many packets that
 * costs. Also the raw physical read rate. Prints numbers; the thresholds
 * live in issues, not here.
 */
#include "config.h"

#include <stdio.h>

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

static void
measure (HsEngine   *engine,
         HsProbeGdb *probe,
         const char *what)
{
  double total_ms = 0, worst_ms = 0;
  guint64 packets = 0;

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
  if (what != NULL)
    printf ("halt to full snapshot, %s: mean %.1f ms, worst %.1f ms, %.0f packets per halt, "
            "over %d halts\n", what, total_ms / CYCLES, worst_ms, (double) packets / CYCLES,
            CYCLES);
}

int
main (void)
{
  g_autoptr(HsBoard) board = hs_board_new ();
  g_autoptr(HsEngine) engine = hs_engine_new ();
  g_autoptr(HsProbeGdb) probe = NULL;
  g_autoptr(GError) error = NULL;

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
  measure (engine, probe, "with the guest list and both guests' tasks");
  printf ("tasks read: %u\n", g_list_model_get_n_items (hs_engine_get_tasks (engine)));
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
