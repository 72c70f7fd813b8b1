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

#include "hs-symbol-scope.h"
#include "hs-test-util.h"
#include "test-board.h"

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

  g_free (run_ok ("Break"));
  g_free (run_ok (l0));
  g_free (run_ok (l1));
  g_free (run_ok (l2));
  g_free (run_ok (path));
}

/* Each guest's slide, found from its VBAR_EL1, is what its own /init says. */
static void
test_slides (void)
{
  g_autofree char *machines = run_ok ("MACHINE.List");

  g_test_message ("%s", machines);
  for (guint m = 1; m <= 2; m++)
    {
      g_autofree char *guest = g_strdup_printf ("linux%u", m);
      g_autofree char *cmd = g_strdup_printf ("sYmbol.RELOCate /MACHINE %u", m);
      g_autofree char *shown = run_ok (cmd);
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
  g_autofree char *banner = run_ok ("Data.dump 2:::0::linux_banner /Length 16");
  g_autofree char *tasks = run_ok ("TASK.List");
  g_autofree char *frames = run_ok ("Frame.view /MACHINE 1 /TASK linux1_ticker");
  g_autofree char *mods = run_ok ("TASK.MODule /MACHINE 1");
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

  set = run_ok ("Break.Set 1:::dummy_get_stats64 /MACHINE 1");
  g_free (run_ok ("Go"));
  stop = run_ok ("WAIT !STATE.RUN() 20.s");
  at_stop = run_ok ("Frame.view");
  g_test_message ("%s\n%s", stop, at_stop);
  g_assert_cmpint (hs_engine_get_state (engine), ==, HS_ENGINE_STATE_HALTED);
  g_assert_nonnull (strstr (at_stop, "dummy_get_stats64+0x0 ("));
  g_assert_nonnull (strstr (at_stop, "dummy.c:"));
  g_assert_nonnull (strstr (at_stop, "dev_get_stats+"));
  g_free (run_ok ("Break.Delete"));
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

  if (!board_fixture_boot (TRUE))
    return 1;
  status = g_test_run ();
  board_fixture_stop ();
  return status;
}
