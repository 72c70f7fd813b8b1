/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test-board-kaslr.c: the board with both guests' kernels randomised (hyperscope-board run
 * --kaslr: QEMU's max CPU, whose RNDR is the only seed Xen's guests get, and no nokaslr). Each
 * guest's /init prints where its kernel really is ("HYPERSCOPE-KTEXT linux1 0x..." : _text), the
 * oracle for the slide the engine must find by itself; then symbols, tasks, frames and modules
 * must be right through it, as on the default board.
 */
#include "config.h"

#include <string.h>

#include "hs-board.h"
#include "hs-engine.h"
#include "hs-interp.h"
#include "hs-probe-gdb.h"
#include "hs-symbol-scope.h"
#include "hs-test-util.h"

#define WAIT_S 60
#define BUILD_WAIT_S 7200

static HsBoard *board;
static HsEngine *engine;
static HsProbeGdb *gdb_probe;
static HsInterp *interp;

static char *
board_path (const char *key)
{
  g_autoptr(GError) error = NULL;
  char *path = hs_board_get_path (board, key, &error);

  g_assert_no_error (error);
  return path;
}

/* What the guest's /init printed: its kernel's _text. */
static guint64
console_ktext (const char *guest)
{
  g_autofree char *serial = hs_board_read_serial (board);
  g_autofree char *needle = g_strdup_printf ("HYPERSCOPE-KTEXT %s ", guest);
  const char *at = strstr (serial, needle);

  g_assert_nonnull (at);
  return g_ascii_strtoull (at + strlen (needle), NULL, 16);
}

static guint64
link_address (const char *name)
{
  g_autoptr(HsSymbolFile) vmlinux = hs_symbol_scope_get_kernel (
    hs_engine_get_symbol_scope (engine), 1, NULL);
  HsSymbol sym;

  g_assert_nonnull (vmlinux);
  g_assert_true (hs_symbol_file_lookup (vmlinux, name, &sym));
  return sym.address;
}

static void
test_load (void)
{
  g_autofree char *xen = board_path ("xen_syms");
  g_autofree char *vmlinux = board_path ("vmlinux");
  g_autofree char *modules = board_path ("modules_dbg");
  g_autofree char *l0 = g_strdup_printf ("Data.LOAD.Elf %s 0:::0::0 /NoCODE /Name xen", xen);
  g_autofree char *l1 = g_strdup_printf ("Data.LOAD.Elf %s 1:::0::0 /NoCODE /Name linux1",
                                         vmlinux);
  g_autofree char *l2 = g_strdup_printf ("Data.LOAD.Elf %s 2:::0::0 /NoCODE /Name linux2",
                                         vmlinux);
  g_autofree char *path = g_strdup_printf ("sYmbol.AutoLOAD.PATH \"%s\"", modules);

  g_free (hs_test_run_ok (interp, "Break"));
  g_free (hs_test_run_ok (interp, l0));
  g_free (hs_test_run_ok (interp, l1));
  g_free (hs_test_run_ok (interp, l2));
  g_free (hs_test_run_ok (interp, path));
}

/* Each guest's slide, found from its VBAR_EL1, is what its own /init says. */
static void
test_slides (void)
{
  g_autofree char *machines = hs_test_run_ok (interp, "MACHINE.List");

  g_test_message ("%s", machines);
  for (guint m = 1; m <= 2; m++)
    {
      g_autofree char *guest = g_strdup_printf ("linux%u", m);
      g_autofree char *cmd = g_strdup_printf ("sYmbol.RELOCate /MACHINE %u", m);
      g_autofree char *shown = hs_test_run_ok (interp, cmd);
      guint64 slide = console_ktext (guest) - link_address ("_text");
      g_autofree char *expect = g_strdup_printf ("slid by 0x%" G_GINT64_MODIFIER "x (found from "
                                                 "the guest)", slide);
      g_autofree char *listed = g_strdup_printf ("kernel slide (KASLR) 0x%" G_GINT64_MODIFIER
                                                 "x, found", slide);

      g_test_message ("%s", shown);
      /* Really randomised: not at its link address. */
      g_assert_cmphex (slide, !=, 0);
      g_assert_nonnull (strstr (shown, expect));
      g_assert_nonnull (strstr (machines, listed));
    }
}

/* Through the slide: the banner by symbol, every console process in the task list, a sleeping
 * task's frames, the modules with their symbols, and a breakpoint in module code. */
static void
test_through_slide (void)
{
  g_autofree char *banner = hs_test_run_ok (interp, "Data.dump 2:::0::linux_banner /Length 16");
  g_autofree char *tasks = hs_test_run_ok (interp, "TASK.List");
  g_autofree char *frames = hs_test_run_ok (interp, "Frame.view /MACHINE 1 /TASK linux1_ticker");
  g_autofree char *mods = hs_test_run_ok (interp, "TASK.MODule /MACHINE 1");
  g_autofree char *set = NULL;
  g_autofree char *stop = NULL;
  g_autofree char *at_stop = NULL;

  g_test_message ("%s\n%s\n%s", banner, frames, mods);
  g_assert_nonnull (strstr (banner, "Linux version"));
  for (guint m = 1; m <= 2; m++)
    for (guint i = 0; i < 2; i++)
      {
        g_autofree char *name = g_strdup_printf ("linux%u_%s", m, i ? "counter" : "ticker");

        g_assert_nonnull (strstr (tasks, name));
      }
  g_assert_nonnull (strstr (tasks, "kthreadd"));
  g_assert_nonnull (strstr (frames, "schedule+"));
  g_assert_nonnull (strstr (frames, "kernel/sched/core.c:"));
  g_assert_nonnull (strstr (mods, "dummy.ko"));

  set = hs_test_run_ok (interp, "Break.Set 1:::dummy_get_stats64 /MACHINE 1");
  g_free (hs_test_run_ok (interp, "Go"));
  stop = hs_test_run_ok (interp, "WAIT !STATE.RUN() 20.s");
  at_stop = hs_test_run_ok (interp, "Frame.view");
  g_test_message ("%s\n%s", stop, at_stop);
  g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_HALTED);
  g_assert_nonnull (strstr (at_stop, "dummy_get_stats64+0x0 ("));
  g_assert_nonnull (strstr (at_stop, "dummy.c:"));
  g_assert_nonnull (strstr (at_stop, "dev_get_stats+"));
  g_free (hs_test_run_ok (interp, "Break.Delete"));
}

static gboolean
boot_and_attach (void)
{
  g_autoptr(GError) error = NULL;
  GAsyncResult *w = NULL;

  board = hs_board_new ();
  hs_board_set_kaslr (board, TRUE);
  hs_board_start_async (board, NULL, hs_test_store_result, &w);
  if (!hs_board_start_finish (board, hs_test_wait_result (&w, BUILD_WAIT_S), &error))
    {
      g_printerr ("the randomised board did not start: %s\n", error->message);
      return FALSE;
    }
  g_clear_object (&w);
  engine = hs_engine_new ();
  interp = hs_interp_new (engine);
  gdb_probe = hs_probe_gdb_new ("127.0.0.1", hs_board_get_gdb_port (board));
  hs_engine_attach_async (engine, HS_PROBE (gdb_probe), NULL, hs_test_store_result, &w);
  if (!hs_engine_attach_finish (engine, hs_test_wait_result (&w, WAIT_S), &error))
    {
      g_printerr ("cannot attach to the randomised board: %s\n", error->message);
      return FALSE;
    }
  g_clear_object (&w);
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Hs/BoardKaslr/load", test_load);
  g_test_add_func ("/Hs/BoardKaslr/slides", test_slides);
  g_test_add_func ("/Hs/BoardKaslr/through-slide", test_through_slide);

  if (!boot_and_attach ())
    return 1;
  status = g_test_run ();

  /* Leave the board as found: running, without breakpoints, then gone. */
  g_clear_object (&interp);
  g_clear_object (&engine);
  g_clear_object (&gdb_probe);
  hs_board_stop (board);
  g_clear_object (&board);
  return status;
}
