/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * board-fixture.c: the one board a board test binary boots, and the engine attached to it
 * (test-board, test-board-kaslr). Main thread only.
 */
#include "config.h"

#include "hs-test-util.h"
#include "test-board.h"

#define BUILD_WAIT_S 7200   /* a first run builds the board */

HsBoard *board;
HsEngine *engine;
HsProbeGdb *gdb_probe;
HsInterp *interp;

/* The shared helpers (tests/common/hs-test-util.c), on the fixture's interpreter. */
char *
run (const char  *line,
     GError     **error)
{
  return hs_test_run (interp, line, error);
}

char *
run_ok (const char *line)
{
  return hs_test_run_ok (interp, line);
}

char *
board_path (const char *key)
{
  g_autoptr(GError) error = NULL;
  char *path = hs_board_get_path (board, key, &error);

  g_assert_no_error (error);
  return path;
}

static void
print_progress (HsBoard    *b,
                const char *line,
                guint       step,
                guint       total,
                gpointer    user_data)
{
  g_printerr ("%s\n", line);
}

gboolean
board_fixture_boot (gboolean kaslr)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *w = NULL;

  board = hs_board_new ();
  hs_board_set_kaslr (board, kaslr);
  g_signal_connect (board, "progress", G_CALLBACK (print_progress), NULL);
  hs_board_start_async (board, NULL, hs_test_store_result, &w);
  /* A first run builds the board: as long as that takes. */
  if (!hs_board_start_finish (board, hs_test_wait_result (&w, BUILD_WAIT_S), &error))
    {
      g_printerr ("the demo board did not start: %s\n", error->message);
      return FALSE;
    }
  g_clear_object (&w);

  engine = hs_engine_new ();
  interp = hs_interp_new (engine);
  gdb_probe = hs_probe_gdb_new ("127.0.0.1", hs_board_get_gdb_port (board));
  hs_engine_attach_async (engine, HS_PROBE (gdb_probe), NULL, hs_test_store_result, &w);
  if (!hs_engine_attach_finish (engine, hs_test_wait_result (&w, WAIT_S), &error))
    {
      g_printerr ("cannot attach to the demo board: %s\n", error->message);
      return FALSE;
    }
  g_clear_object (&w);
  return TRUE;
}

void
board_fixture_stop (void)
{
  g_clear_object (&interp);
  g_clear_object (&engine);
  g_clear_object (&gdb_probe);
  if (board)
    hs_board_stop (board);
  g_clear_object (&board);
}
